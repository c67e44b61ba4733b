import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type {
  Experiment,
  ExperimentApproval,
  ExperimentApproveParams,
  ExperimentAssignment,
  ExperimentAssignParams,
  ExperimentCreateParams,
  ExperimentListParams,
  ExperimentOutcome,
  ExperimentOutcomeParams,
  ExperimentResults,
} from '../types/experiments.js';
import type { List } from '../types/shared.js';

export class Experiments extends APIResource {
  /** The tenant's prompt experiments, newest first. */
  list(params: ExperimentListParams = {}, options?: RequestOptions): Promise<List<Experiment>> {
    return this.http.request({ method: 'GET', path: '/v1/experiments', query: { ...params }, options });
  }

  /** Starts an A/B experiment between versions of a template (a Temporal workflow). */
  create(body: ExperimentCreateParams, options?: RequestOptions): Promise<Experiment> {
    return this.http.request({ method: 'POST', path: '/v1/experiments', body, options });
  }

  /** Status, stop reason, recommendation and decision. */
  get(experimentId: string, options?: RequestOptions): Promise<Experiment> {
    return this.http.request({ method: 'GET', path: path`/v1/experiments/${experimentId}`, options });
  }

  /** A subject's variant (sticky), recorded as an exposure; rendered when variables are given. */
  assign(experimentId: string, body: ExperimentAssignParams, options?: RequestOptions): Promise<ExperimentAssignment> {
    return this.http.request({ method: 'POST', path: path`/v1/experiments/${experimentId}/assignments`, body, options });
  }

  /** Records a subject's outcome: a score (`value`) or a success flag (`success`). */
  recordOutcome(experimentId: string, body: ExperimentOutcomeParams, options?: RequestOptions): Promise<ExperimentOutcome> {
    return this.http.request({ method: 'POST', path: path`/v1/experiments/${experimentId}/outcomes`, body, options });
  }

  /** Per-variant counts, means and confidence intervals, and each variant's p-value against the control. */
  results(experimentId: string, options?: RequestOptions): Promise<ExperimentResults> {
    return this.http.request({ method: 'GET', path: path`/v1/experiments/${experimentId}/results`, options });
  }

  /** Approves (promotes the winner, or `variant`) or rejects, once the experiment awaits approval. */
  approve(experimentId: string, body: ExperimentApproveParams, options?: RequestOptions): Promise<ExperimentApproval> {
    return this.http.request({ method: 'POST', path: path`/v1/experiments/${experimentId}/approval`, body, options });
  }
}
