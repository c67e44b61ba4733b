/**
 * The one contract every model provider adapter implements. Adapters are thin: they translate
 * this shape to an official SDK call and back, and classify failures as ProviderError.
 */
import type { RegisteredProviderId } from './provider-registry.ts';
import type { ResponseFormat, ToolCall, ToolCallDelta, ToolChoice, ToolDefinition } from './tool-calling.ts';

export type { ResponseFormat, ToolCall, ToolCallDelta, ToolChoice, ToolDefinition };

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: ChatRole;
  /** Empty for an assistant turn that only calls tools. */
  content: string;
  /** Assistant turns: the tools the model called (answered by later `tool` messages). */
  toolCalls?: ToolCall[];
  /** Tool messages: the id of the call this result answers. */
  toolCallId?: string;
}

export interface GenerateRequest {
  /** The provider's own model name (e.g. `gpt-4o-mini`, `claude-sonnet-4-6`, `llama3.2`). */
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** False asks the model for at most one call per turn (vendors default to parallel). */
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
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
  /** The calls the model asked for (finishReason `tool_calls`); absent or empty when none. */
  toolCalls?: ToolCall[];
}

export type StreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call-delta'; delta: ToolCallDelta }
  | { type: 'finish'; usage: Usage; finishReason: FinishReason; model: string; simulated: boolean; toolCalls?: ToolCall[] };

export interface Provider {
  /** One of the registry's ids (provider-registry.ts). */
  readonly id: ProviderId;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Yields text deltas, then exactly one `finish` part. Throws ProviderError on failure. */
  stream(request: GenerateRequest): AsyncIterable<StreamPart>;
}

/** Derived from the registry's adapters; a type-only import, so this module stays pure. */
export type ProviderId = RegisteredProviderId;
