/**
 * Shapes shared by the API, the completion workflow and its activities. Types only, so the
 * workflow bundle stays free of runtime dependencies.
 */
import type { ChatMessage, FinishReason, ProviderId, Usage } from '../providers/provider.ts';
import type { ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from '../providers/tool-calling.ts';
import type { PromptReference } from '../prompts/prompt-types.ts';
import type { RouteDecision } from '../routing/route-decision-types.ts';
import type { SearchSource } from '../memory/memory-types.ts';

export type { ChatMessage, FinishReason, ProviderId, ResponseFormat, ToolCall, ToolChoice, ToolDefinition, Usage };

/** What a request offers the model to call, and how it wants the answer shaped. */
export interface ToolOptions {
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** False: at most one call per turn. */
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
}

export interface CompletionParameters {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
}

/** One model of a fallback chain, resolved by the API from the registry. */
export interface ModelCandidate {
  /** Registry id, e.g. `gpt-4o-mini` or `local/llama3.2`. */
  modelId: string;
  provider: ProviderId;
  /** The provider's own name for the model. */
  providerModel: string;
  /** Null only in runs started before every callable model had to be in the registry. */
  contextWindow: number | null;
  /** The registry's price: every call is costed (and counted against budgets) with it. */
  pricing: { inputPerMTok: number; outputPerMTok: number };
  /** Its shared breaker was open when the run started: passed over without a call. */
  breakerOpen?: boolean;
}

export interface CompletionInput extends ToolOptions {
  tenantId: string;
  /** What the caller asked for: a model id, `auto`, or the first of an explicit list. */
  requestedModel: string;
  /** Tried in order; a candidate that fails retryably (or is skipped by its breaker) hands over to the next. */
  candidates: ModelCandidate[];
  /** The `auto` policy's decision, kept with the run. */
  routing?: RouteDecision;
  /** Set when a budget's downgrade policy replaced the requested model. */
  budgetDowngrade?: BudgetDowngrade;
  /** The key that made the request, so spend can be attributed per key. */
  apiKeyId?: string;
  messages: ChatMessage[];
  parameters: CompletionParameters;
  /** Retry budget for retryable provider failures, including the first attempt. */
  maxAttempts: number;
  /** How long a silent activity may go before Temporal assumes its worker died and retries it. */
  heartbeatTimeoutMs: number;
  /** How long one provider call may take. */
  callTimeoutMs: number;
  /** Regular activity (default) or local activity for the model call; see MODEL_CALL_MODE. */
  callMode?: 'activity' | 'local';
  /** The template version the messages were rendered from, when the request named a template. */
  prompt?: PromptReference;
  /** Stream tokens to the run's stream channel as they arrive (the API relays them as SSE). */
  stream?: boolean;
  /** The named model policy the request used (its own or the tenant's default). */
  policy?: string;
  /** Retrieve context before the model call and put it in front of the messages (memory injection). */
  memory?: MemoryInjection;
  /** Continue this conversation: its history is already in `messages`; `append` is stored after the answer. */
  conversation?: { id: string; append: ChatMessage[] };
}

export interface MemoryInjection {
  /** Usually the last user message. */
  query: string;
  k: number;
  budgetTokens: number;
  collections?: string[];
  /** Search this conversation's earlier messages too. */
  conversationId?: string;
  documents: boolean;
  conversations: boolean;
}

/** What memory injection put in front of the model, kept with the run. */
export interface InjectedPassage {
  label: string;
  id: string;
  source: SearchSource;
}

export interface BudgetDowngrade {
  /** The model the request would have used. */
  from: string;
  budgetId: string;
}

/** What the activity needs for one candidate. */
export interface ModelCallInput extends ToolOptions {
  tenantId: string;
  runId: string;
  requestedModel: string;
  candidate: ModelCandidate;
  /** Position in the fallback chain (0 = first choice). */
  fallbackDepth: number;
  messages: ChatMessage[];
  parameters: CompletionParameters;
  heartbeatTimeoutMs: number;
  /** Publish the attempt and its tokens on the run's stream channel. */
  stream?: boolean;
}

export interface ModelCallResult {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  model: string;
  simulated: boolean;
  latencyMs: number;
  /** Which Temporal attempt produced this answer (1 when the first call succeeded). */
  attempt: number;
  /** USD at the registry's prices; 0 for models without a price. */
  costUsd: number;
  /** The calls the model asked for (finishReason `tool_calls`); absent when none. */
  toolCalls?: ToolCall[];
}

/** One candidate's part in a run, for the response and the Web UI reader. */
export interface CandidateOutcome {
  model: string;
  provider: ProviderId;
  outcome: 'answered' | 'failed' | 'skipped';
  /** Failure class (`server_error`, `circuit_open`, ...) when it did not answer. */
  error?: string;
  /** Temporal attempts spent on this candidate. */
  attempts: number;
}

export interface CompletionResult extends ModelCallResult {
  provider: ProviderId;
  requestedModel: string;
  /** Registry id of the model that answered. */
  modelId: string;
  fallbackDepth: number;
  history: CandidateOutcome[];
  routing?: RouteDecision;
  budgetDowngrade?: BudgetDowngrade;
  prompt?: PromptReference;
  policy?: string;
  conversationId?: string;
  /** Passages memory injection added to the prompt. */
  injected?: InjectedPassage[];
}

/** Carried in ApplicationFailure details so the API can map a provider failure to its error. */
export interface ProviderFailureDetails {
  provider: ProviderId;
  kind: string;
  status?: number;
  retryAfterMs?: number;
  /** The Temporal attempt that failed, so the workflow can report attempts per candidate. */
  attempt?: number;
  model?: string;
}

export type CompletionStage = 'calling_model' | 'recording' | 'completed' | 'failed';

export interface CompletionStatus {
  stage: CompletionStage;
  provider: ProviderId;
  /** The candidate being called now (registry id). */
  model: string;
  fallbackDepth: number;
  history: CandidateOutcome[];
}
