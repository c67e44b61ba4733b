import type { RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { Budget } from '../types/budgets.js';
import type { List } from '../types/shared.js';

export class Budgets extends APIResource {
  /** The tenant's budgets with what was spent in the current period (`admin.budgets` sets them). */
  list(options?: RequestOptions): Promise<List<Budget>> {
    return this.http.request({ method: 'GET', path: '/v1/budgets', options });
  }
}
