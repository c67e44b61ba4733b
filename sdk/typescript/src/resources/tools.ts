import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { List } from '../types/shared.js';
import type { Tool, ToolCreateParams, ToolDeleted, ToolGetParams } from '../types/tools.js';

/** The tenant's tool registry: HTTP and built-in tools that agents call. Writing needs an admin key. */
export class Tools extends APIResource {
  /** The latest version of every tool. */
  list(options?: RequestOptions): Promise<List<Tool>> {
    return this.http.request({ method: 'GET', path: '/v1/tools', options });
  }

  /** Creates the tool, or a new version of it; an unchanged spec returns the latest version as it is. */
  create(body: ToolCreateParams, options?: RequestOptions): Promise<Tool> {
    return this.http.request({ method: 'POST', path: '/v1/tools', body, options });
  }

  /** The latest version, or `{ version }` / `{ label }`. */
  get(name: string, params: ToolGetParams = {}, options?: RequestOptions): Promise<Tool> {
    return this.http.request({ method: 'GET', path: path`/v1/tools/${name}`, query: { ...params }, options });
  }

  /** Every version, newest first. */
  versions(name: string, options?: RequestOptions): Promise<List<Tool>> {
    return this.http.request({ method: 'GET', path: path`/v1/tools/${name}/versions`, options });
  }

  /** Removes the tool with every version and label. */
  delete(name: string, options?: RequestOptions): Promise<ToolDeleted> {
    return this.http.request({ method: 'DELETE', path: path`/v1/tools/${name}`, options });
  }
}
