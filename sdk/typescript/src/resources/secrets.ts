import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { List } from '../types/shared.js';
import type { Secret, SecretDeleted } from '../types/tools.js';

/** The tenant's secrets, which HTTP tools authenticate with. Write-only: no call returns a value. */
export class Secrets extends APIResource {
  /** Names and dates only. */
  list(options?: RequestOptions): Promise<List<Secret>> {
    return this.http.request({ method: 'GET', path: '/v1/secrets', options });
  }

  /** Creates or replaces the secret `name` (admin keys only). */
  set(name: string, value: string, options?: RequestOptions): Promise<Secret> {
    return this.http.request({ method: 'PUT', path: path`/v1/secrets/${name}`, body: { value }, options });
  }

  delete(name: string, options?: RequestOptions): Promise<SecretDeleted> {
    return this.http.request({ method: 'DELETE', path: path`/v1/secrets/${name}`, options });
  }
}
