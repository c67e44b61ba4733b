import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { OutcomeImport, OutcomeImportParams, OutcomeSummary, RouterTrainParams, RouterVersion } from '../types/router.js';
import type { List } from '../types/shared.js';

export class RouterOutcomes extends APIResource {
  /** Counts of the tenant's measured outcomes by source, the models, and the imports. */
  summary(options?: RequestOptions): Promise<OutcomeSummary> {
    return this.http.request({ method: 'GET', path: '/v1/router/outcomes', options });
  }

  /** Imports an outcome file whole (400 `invalid_outcomes` lists each bad line; nothing is imported then). */
  import(body: OutcomeImportParams, options?: RequestOptions): Promise<OutcomeImport> {
    return this.http.request({ method: 'POST', path: '/v1/router/outcomes/imports', body, options });
  }
}

export class RouterVersions extends APIResource {
  list(options?: RequestOptions): Promise<List<RouterVersion>> {
    return this.http.request({ method: 'GET', path: '/v1/router/versions', options });
  }

  /** Registers a version `npm run router:train` wrote on the server. */
  register(version: string, options?: RequestOptions): Promise<RouterVersion> {
    return this.http.request({ method: 'POST', path: '/v1/router/versions', body: { version }, options });
  }

  /** Makes a version the tenant's active router (approver or admin key). */
  promote(version: string, options?: RequestOptions): Promise<RouterVersion> {
    return this.http.request({ method: 'POST', path: path`/v1/router/versions/${version}/promote`, options });
  }
}

/** The learned router: measured outcomes in, trained versions out. */
export class RouterResource extends APIResource {
  readonly outcomes = new RouterOutcomes(this.http);
  readonly versions = new RouterVersions(this.http);

  /** Trains a logistic router on the tenant's stored outcomes; the result is a candidate version. */
  train(body: RouterTrainParams = {}, options?: RequestOptions): Promise<RouterVersion> {
    return this.http.request({ method: 'POST', path: '/v1/router/train', body, options });
  }
}
