import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { Policy, PolicyDeleted, PolicyPutParams } from '../types/policies.js';
import type { List } from '../types/shared.js';

/** Named model policies: `completions.create({ policy: 'support', messages })`. */
export class Policies extends APIResource {
  list(options?: RequestOptions): Promise<List<Policy>> {
    return this.http.request({ method: 'GET', path: '/v1/policies', options });
  }

  get(name: string, options?: RequestOptions): Promise<Policy> {
    return this.http.request({ method: 'GET', path: path`/v1/policies/${name}`, options });
  }

  /** Creates or replaces a policy; `default: true` makes it the one completions use when they name no model. */
  put(name: string, body: PolicyPutParams, options?: RequestOptions): Promise<Policy> {
    return this.http.request({ method: 'PUT', path: path`/v1/policies/${name}`, body, options });
  }

  delete(name: string, options?: RequestOptions): Promise<PolicyDeleted> {
    return this.http.request({ method: 'DELETE', path: path`/v1/policies/${name}`, options });
  }
}
