/**
 * The one contract every model provider adapter implements. Adapters are thin: they translate
 * this shape to an official SDK call and back, and classify failures as ProviderError.
 */
import type { RegisteredProviderId } from './provider-registry.ts';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface GenerateRequest {
  /** The provider's own model name (e.g. `gpt-4o-mini`, `claude-sonnet-4-6`, `llama3.2`). */
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  /** Aborts the HTTP call when the activity is cancelled or times out. */
  signal?: AbortSignal;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** Normalised across providers so callers never branch on vendor strings. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

export interface GenerateResult {
  text: string;
  usage: Usage;
  finishReason: FinishReason;
  /** The model name the provider says answered (may differ from the requested alias). */
  model: string;
  /** True when the answer came from the provider emulator, so it is never mistaken for a real model. */
  simulated: boolean;
}

export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; usage: Usage; finishReason: FinishReason; model: string; simulated: boolean };

export interface Provider {
  /** One of the registry's ids (provider-registry.ts). */
  readonly id: ProviderId;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Yields text deltas, then exactly one `finish` part. Throws ProviderError on failure. */
  stream(request: GenerateRequest): AsyncIterable<StreamPart>;
}

/** Derived from the registry's adapters; a type-only import, so this module stays pure. */
export type ProviderId = RegisteredProviderId;
