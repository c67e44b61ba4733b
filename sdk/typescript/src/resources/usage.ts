import type { RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { CostReport, ModelUsageParams, ModelUsageReport, UsageWindowParams } from '../types/usage.js';

export class Usage extends APIResource {
  /** Per-model latency (p50/p95), error rate, tokens and cost over a window, for the caller's tenant. */
  models(params: ModelUsageParams = {}, options?: RequestOptions): Promise<ModelUsageReport> {
    return this.http.request({ method: 'GET', path: '/v1/usage/models', query: { ...params }, options });
  }

  /** The tenant's spend by day and model. */
  cost(params: UsageWindowParams = {}, options?: RequestOptions): Promise<CostReport> {
    return this.http.request({ method: 'GET', path: '/v1/usage/cost', query: { ...params }, options });
  }
}
