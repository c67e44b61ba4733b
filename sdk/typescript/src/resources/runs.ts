import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import { RunEventStream } from '../run-event-stream.js';
import type { Run, RunCancelResult, RunHistoryEvent, RunListParams, RunQueryResult, RunSignalResult } from '../types/runs.js';
import type { List } from '../types/shared.js';

/** Arguments of a workflow query or signal. */
export interface RunHandlerArgs {
  args?: unknown[];
}

export class Runs extends APIResource {
  /** The tenant's runs, newest first. */
  list(params: RunListParams = {}, options?: RequestOptions): Promise<List<Run>> {
    return this.http.request({ method: 'GET', path: '/v1/runs', query: { ...params }, options });
  }

  /** Status, and the result or error once finished (`get<Completion>(id)` for a completion run). */
  get<Result = unknown>(runId: string, options?: RequestOptions): Promise<Run<Result>> {
    return this.http.request({ method: 'GET', path: path`/v1/runs/${runId}`, options });
  }

  /**
   * The run's history, event by event (what ran, failed and retried, when; no inputs or
   * results). With `follow: true`, a stream of the events as they happen, until the run closes.
   */
  events(runId: string, params?: { follow?: false }, options?: RequestOptions): Promise<List<RunHistoryEvent>>;
  events(runId: string, params: { follow: true }, options?: RequestOptions): Promise<RunEventStream>;
  events(runId: string, params?: { follow?: boolean }, options?: RequestOptions): Promise<List<RunHistoryEvent> | RunEventStream>;
  async events(runId: string, params: { follow?: boolean } = {}, options?: RequestOptions): Promise<List<RunHistoryEvent> | RunEventStream> {
    const request = { method: 'GET' as const, path: path`/v1/runs/${runId}/events`, options };
    if (!params.follow) return this.http.request<List<RunHistoryEvent>>(request);
    return new RunEventStream(await this.http.stream({ ...request, query: { follow: true } }));
  }

  /** Runs a workflow query, e.g. `query(id, 'status')` on a completion run. */
  query<Result = unknown>(runId: string, name: string, body: RunHandlerArgs = {}, options?: RequestOptions): Promise<RunQueryResult<Result>> {
    return this.http.request({ method: 'POST', path: path`/v1/runs/${runId}/query/${name}`, body, options });
  }

  /** Sends a signal to a running workflow (409 ConflictError once it has finished). */
  signal(runId: string, name: string, body: RunHandlerArgs = {}, options?: RequestOptions): Promise<RunSignalResult> {
    return this.http.request({ method: 'POST', path: path`/v1/runs/${runId}/signal/${name}`, body, options });
  }

  /** Requests cancellation (409 ConflictError once it has finished). */
  cancel(runId: string, options?: RequestOptions): Promise<RunCancelResult> {
    return this.http.request({ method: 'POST', path: path`/v1/runs/${runId}/cancel`, options });
  }
}
