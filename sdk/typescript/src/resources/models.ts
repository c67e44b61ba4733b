import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { Model } from '../types/models.js';
import type { List } from '../types/shared.js';

export class Models extends APIResource {
  /** Enabled models in the registry. */
  list(options?: RequestOptions): Promise<List<Model>> {
    return this.http.request({ method: 'GET', path: '/v1/models', options });
  }

  /** One model; ids with a slash (`local/llama3.2`) are encoded for you. */
  get(modelId: string, options?: RequestOptions): Promise<Model> {
    return this.http.request({ method: 'GET', path: path`/v1/models/${modelId}`, options });
  }
}
