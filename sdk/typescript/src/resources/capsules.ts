import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { Capsule, CapsuleInstall, CapsuleInstallParams, CapsuleManifest, CapsuleVersion, InstalledCapsule } from '../types/capsules.js';
import type { List } from '../types/shared.js';

export class CapsuleVersions extends APIResource {
  /** One version's manifest. */
  get(name: string, version: string, options?: RequestOptions): Promise<CapsuleVersion> {
    return this.http.request({ method: 'GET', path: path`/v1/capsules/${name}/versions/${version}`, options });
  }
}

/** The capsule registry: versioned bundles of prompts, a model policy, tools and evaluations. */
export class Capsules extends APIResource {
  readonly versions = new CapsuleVersions(this.http);

  /** Every capsule with its versions. */
  list(options?: RequestOptions): Promise<List<Capsule>> {
    return this.http.request({ method: 'GET', path: '/v1/capsules', options });
  }

  /** Publishes a version (the first publisher of a name owns it; versions are immutable). */
  publish(body: CapsuleManifest, options?: RequestOptions): Promise<CapsuleVersion> {
    return this.http.request({ method: 'POST', path: '/v1/capsules', body, options });
  }

  /** One capsule and its versions. */
  get(name: string, options?: RequestOptions): Promise<Capsule> {
    return this.http.request({ method: 'GET', path: path`/v1/capsules/${name}`, options });
  }

  /** Capsules installed in this tenant. */
  listInstalled(options?: RequestOptions): Promise<List<InstalledCapsule>> {
    return this.http.request({ method: 'GET', path: '/v1/capsules/installed', options });
  }

  /** Installs a version (default: the newest) into this tenant: its prompt templates and its model policy. */
  install(name: string, body: CapsuleInstallParams = {}, options?: RequestOptions): Promise<CapsuleInstall> {
    return this.http.request({ method: 'POST', path: path`/v1/capsules/${name}/install`, body, options });
  }
}
