import { AgentEventStream } from '../agent-event-stream.js';
import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type {
  Agent,
  AgentCreateParams,
  AgentEvent,
  AgentEventListParams,
  AgentGetParams,
  AgentListParams,
  AgentRunAccepted,
  AgentRunStartParams,
  AgentRunState,
  AgentRunStreamParams,
  AgentVersion,
  ApprovalAccepted,
  ApprovalDecisionParams,
  ApprovalList,
} from '../types/agents.js';
import type { List } from '../types/shared.js';

export class AgentLabels extends APIResource {
  /** Points a label at a version. */
  set(name: string, label: string, body: { version: number }, options?: RequestOptions): Promise<Agent> {
    return this.http.request({ method: 'PUT', path: path`/v1/agents/${name}/labels/${label}`, body, options });
  }

  delete(name: string, label: string, options?: RequestOptions): Promise<{ name: string; label: string; deleted: true }> {
    return this.http.request({ method: 'DELETE', path: path`/v1/agents/${name}/labels/${label}`, options });
  }
}

/** Decisions on an agent run's tool calls (approver or admin keys). */
export class AgentApprovals extends APIResource {
  /** Calls waiting for a decision, and the decisions made. */
  list(runId: string, options?: RequestOptions): Promise<ApprovalList> {
    return this.http.request({ method: 'GET', path: path`/v1/runs/${runId}/approvals`, options });
  }

  /** Approve, edit the arguments of (`{ decision: 'edit', arguments }`), or reject a waiting call. */
  decide(runId: string, body: ApprovalDecisionParams, options?: RequestOptions): Promise<ApprovalAccepted> {
    return this.http.request({ method: 'POST', path: path`/v1/runs/${runId}/approvals`, body, options });
  }
}

/** Agents: versioned definitions, and durable runs with approvals, queries and streamed events. */
export class Agents extends APIResource {
  readonly labels = new AgentLabels(this.http);
  readonly approvals = new AgentApprovals(this.http);

  /** Defines an agent, or adds a new immutable version of it. */
  create(body: AgentCreateParams, options?: RequestOptions): Promise<Agent> {
    return this.http.request({ method: 'POST', path: '/v1/agents', body, options });
  }

  list(params: AgentListParams = {}, options?: RequestOptions): Promise<List<Agent>> {
    return this.http.request({ method: 'GET', path: '/v1/agents', query: { ...params }, options });
  }

  /** A version by number or label (default: the `production` label, else the latest). */
  get(name: string, params: AgentGetParams = {}, options?: RequestOptions): Promise<Agent> {
    return this.http.request({ method: 'GET', path: path`/v1/agents/${name}`, query: { ...params }, options });
  }

  versions(name: string, options?: RequestOptions): Promise<List<AgentVersion>> {
    return this.http.request({ method: 'GET', path: path`/v1/agents/${name}/versions`, options });
  }

  /**
   * Starts a run. `{ stream: true }`: an async iterator of its events until it ends, with
   * `onApproval` deciding each call that needs approval. `{ wait: true }`: its state once it
   * ended. Otherwise: accepted at once (follow it with `getRun` or `events`).
   */
  run(name: string, params: AgentRunStreamParams, options?: RequestOptions): Promise<AgentEventStream>;
  run(name: string, params: AgentRunStartParams & { wait: true }, options?: RequestOptions): Promise<AgentRunState>;
  run(name: string, params: AgentRunStartParams, options?: RequestOptions): Promise<AgentRunAccepted | AgentRunState>;
  async run(name: string, params: AgentRunStartParams | AgentRunStreamParams, options?: RequestOptions): Promise<AgentEventStream | AgentRunAccepted | AgentRunState> {
    const request = { method: 'POST' as const, path: path`/v1/agents/${name}/runs`, options };
    if (!params.stream) return this.http.request({ ...request, body: params });
    const { onApproval, ...body } = params;
    const open = await this.http.stream({ ...request, body });
    return new AgentEventStream(open, undefined, onApproval && { onApproval, send: (runId, callId, d) => this.approvals.decide(runId, { call_id: callId, ...d }) });
  }

  /** A run's state: status, steps, cost so far, pending approvals, transcript. */
  getRun(runId: string, options?: RequestOptions): Promise<AgentRunState> {
    return this.http.request({ method: 'GET', path: path`/v1/runs/${runId}/agent`, options });
  }

  /** A run's events after `after`; with `follow: true`, a stream of them until the run ends. */
  events(runId: string, params?: AgentEventListParams & { follow?: false }, options?: RequestOptions): Promise<{ object: 'list'; run_id: string; data: AgentEvent[] }>;
  events(runId: string, params: AgentEventListParams & { follow: true }, options?: RequestOptions): Promise<AgentEventStream>;
  async events(runId: string, params: AgentEventListParams & { follow?: boolean } = {}, options?: RequestOptions): Promise<{ object: 'list'; run_id: string; data: AgentEvent[] } | AgentEventStream> {
    const { follow, ...query } = params;
    const request = { method: 'GET' as const, path: path`/v1/runs/${runId}/agent/events`, options };
    if (!follow) return this.http.request({ ...request, query: { ...query } });
    return new AgentEventStream(await this.http.stream({ ...request, query: { ...query, follow: true } }), runId);
  }
}
