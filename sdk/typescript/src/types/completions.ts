import type { InjectedPassage, MemoryInjectionParams } from './memory.js';
import type { ChatMessage, ProviderId } from './shared.js';

export type Capability = 'tools' | 'vision' | 'json_mode' | 'streaming';

/** Constraints for `model: 'auto'` (cost-aware routing). */
export interface RoutingOptions {
  /** Lowest registry quality (0..1) a chosen model may have. */
  quality_floor?: number;
  latency_ceiling_ms?: number;
  requires?: Capability[];
  /** Fallbacks to chain after the chosen model (0..4). */
  fallbacks?: number;
  /** Deprecated: 0 always takes the cheapest adequate model; other values are ignored. */
  upgrade_allowance_usd?: number;
  /** Decide with a learned router of the tenant: a version, or `active` (the promoted one). */
  learned_router?: string;
  /** With learned_router: also run this version and record what it would have chosen (shadow mode). */
  shadow_router?: string;
}

/** A prompt template to render into the messages: by label or version (default: production, else latest). */
export interface TemplateReference {
  name: string;
  label?: string;
  version?: number;
  variables?: Record<string, unknown>;
}

/**
 * At most one of `model` (an id or `auto`), `models` (a fallback chain, tried in order) and
 * `policy` (a named model policy); with none, the tenant's default policy applies.
 */
export type ModelChoice =
  | { model: string; models?: never; policy?: never }
  | { models: string[]; model?: never; policy?: never }
  | { policy: string; model?: never; models?: never }
  | { model?: never; models?: never; policy?: never };

/** A function the model may call. `parameters` is a JSON Schema of type object (default: no arguments). */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** `auto` (default): the model decides; `none`: no calls; `required`: at least one; `{ name }`: exactly that tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** A call the model asked for; `arguments` is JSON text exactly as the model produced it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** JSON output (needs a model with the `json_mode` capability). */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } };

/** The messages of a completion: plain turns, an assistant turn that called tools, and the tools' results. */
export type CompletionMessage =
  | ChatMessage
  | { role: 'assistant'; content?: string; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** Exactly one of `messages` and `template`. */
export type PromptChoice = { messages: CompletionMessage[]; template?: never } | { template: TemplateReference; messages?: never };

export interface CompletionOptions {
  routing?: RoutingOptions;
  /** Continue this conversation (`conv_...`): its messages come first; the new ones and the answer are added to it. */
  conversation?: string;
  /** Retrieve context (documents, conversations) for the last user message and put it in front of the model. */
  memory?: MemoryInjectionParams;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  /** Functions the model may call: the answer then may carry `tool_calls` (finish_reason `tool_calls`). */
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  /** False: at most one call per answer. */
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
}

/** The body of `POST /v1/completions`. */
export type CompletionCreateParams = ModelChoice &
  PromptChoice &
  CompletionOptions & {
    /** Answer 202 with the run id at once instead of waiting for the answer. */
    background?: boolean;
    /** Answer with Server-Sent Events (use `completions.stream()` to read them). */
    stream?: boolean;
  };

export type CompletionCreateParamsNonStreaming = CompletionCreateParams & { stream?: false; background?: false };
export type CompletionCreateParamsBackground = CompletionCreateParams & { background: true; stream?: false };
export type CompletionCreateParamsStreaming = CompletionCreateParams & { stream: true; background?: false };
/** The body of `completions.stream()`: `stream: true` is added for you. */
export type CompletionStreamParams = Omit<CompletionCreateParams, 'stream' | 'background'> & ModelChoice & PromptChoice;

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

/** One model's part in a run. */
export interface AttemptRecord {
  model: string;
  provider: ProviderId;
  outcome: 'answered' | 'failed' | 'skipped';
  /** Failure class (`server_error`, `circuit_open`, ...) when it did not answer. */
  error: string | null;
  /** Temporal attempts spent on this model. */
  attempts: number;
}

/** The answer of a completion run's `status` query: `runs.query<CompletionRunStatus>(id, 'status')`. */
export interface CompletionRunStatus {
  stage: 'calling_model' | 'recording' | 'completed' | 'failed';
  provider: ProviderId;
  /** The candidate being called now (a registry id). */
  model: string;
  /** Its position in the fallback chain (0: the first choice). */
  fallback_depth: number;
  /** The candidates done so far; `error` only on those that did not answer. */
  history: Array<Omit<AttemptRecord, 'error'> & { error?: string }>;
}

export interface RouteCandidate {
  model: string;
  estimated_cost_usd: number;
}

/** The `auto` policy's decision. */
export interface RoutingDecision {
  policy: 'auto';
  estimator: string;
  score: number;
  tier: number;
  signals: Record<string, number>;
  chosen: RouteCandidate;
  fallbacks: RouteCandidate[];
  reasons: string[];
  /** When a learned router decided: its version, P(cheaper model good enough), the threshold, a shadow router's choice. */
  learned?: {
    version: string;
    kind: string;
    p_cheap: number;
    threshold: number;
    shadow?: { version: string; model: string; p_cheap: number; threshold: number };
  };
}

export interface Completion {
  /** The run id (a Temporal workflow id): `runs.get(id)` shows the run. */
  id: string;
  object: 'completion';
  /** The registry id of the model that answered. */
  model: string;
  /** What the request asked for: a model id, `auto`, or the first of `models`. */
  requested_model: string;
  provider: ProviderId;
  /** The provider's own name for the model. */
  provider_model: string;
  text: string;
  /** The calls the model asked for (finish_reason `tool_calls`); answer each with a `tool` message. */
  tool_calls?: ToolCall[];
  finish_reason: FinishReason;
  usage: { input_tokens: number; output_tokens: number };
  /** True when the provider emulator answered, not a real model. */
  simulated: boolean;
  /** Temporal attempts of the model that answered. */
  attempts: number;
  latency_ms: number;
  /** At registry prices; 0 for unpriced models. */
  cost_usd: number;
  /** Position in the fallback chain of the model that answered (0: the first choice). */
  fallback_depth: number;
  attempt_history: AttemptRecord[];
  routing?: RoutingDecision;
  /** Present when a downgrade budget replaced the requested model. */
  budget_downgrade?: { from: string; budget_id: string };
  /** The model policy the request used (its own or the tenant's default). */
  policy?: string;
  /** The conversation the run continued. */
  conversation?: string;
  /** Present when the request asked for `memory`: the passages put in front of the model. */
  memory?: { injected: InjectedPassage[] };
  /** Present when the messages were rendered from a prompt template. */
  prompt?: { name: string; version: number; label: string | null; content_hash: string };
}

/**
 * The 202 answer of a run started in the background (a completion, an ingestion without
 * `wait`, a RAG answer): poll `runs.get(id)` for the result.
 */
export interface BackgroundRun<Kind extends string = 'completion'> {
  id: string;
  object: 'run';
  kind: Kind;
  status: 'running';
  created_at: string;
}
