/**
 * Shapes shared by the API, the completion workflow and its activities. Types only, so the
 * workflow bundle stays free of runtime dependencies.
 */
import type { ChatMessage, FinishReason, ProviderId, Usage } from '../activities/providers/provider.ts';
import type { PromptReference } from './prompt-types.ts';

export type { ChatMessage, FinishReason, ProviderId, Usage };

export interface CompletionParameters {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
}

export interface CompletionInput {
  tenantId: string;
  /** The model the caller asked for, e.g. `gpt-4o-mini` or `local/llama3.2`. */
  requestedModel: string;
  provider: ProviderId;
  /** The provider's own name for the model. */
  model: string;
  messages: ChatMessage[];
  parameters: CompletionParameters;
  /** Retry budget for retryable provider failures, including the first attempt. */
  maxAttempts: number;
  /** How long a silent activity may go before Temporal assumes its worker died and retries it. */
  heartbeatTimeoutMs: number;
  /** How long one provider call may take. */
  callTimeoutMs: number;
  /** The template version the messages were rendered from, when the request named a template. */
  prompt?: PromptReference;
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
}

export interface CompletionResult extends ModelCallResult {
  provider: ProviderId;
  requestedModel: string;
  prompt?: PromptReference;
}

/** Carried in ApplicationFailure details so the API can map a provider failure to its error. */
export interface ProviderFailureDetails {
  provider: ProviderId;
  kind: string;
  status?: number;
  retryAfterMs?: number;
}

export type CompletionStage = 'calling_model' | 'recording' | 'completed' | 'failed';

export interface CompletionStatus {
  stage: CompletionStage;
  provider: ProviderId;
  model: string;
}
