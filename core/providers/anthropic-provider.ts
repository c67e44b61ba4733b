/** The Anthropic provider adapter, over the official `@anthropic-ai/sdk` (Messages API). */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { sdkErrorClassifier, toProviderFailure } from './classify-provider-error.ts';
import type { ProviderAdapter } from './provider-adapter.ts';
import type { FinishReason, GenerateRequest, GenerateResult, Provider, StreamPart, Usage } from './provider.ts';
import { ProviderError } from './provider-error.ts';
import { isSimulatedResponse } from './simulated-header.ts';
import { createToolCallAssembler } from './tool-call-assembler.ts';
import { anthropicMessages, anthropicToolParams, toolCallsOf, wantsJson } from './anthropic-tool-mapping.ts';

export interface AnthropicProviderOptions {
  apiKey: string;
  /** Defaults to api.anthropic.com; the emulator's root URL (no `/v1`). */
  baseURL?: string | undefined;
  /** Set when the base URL is the provider emulator, so results are labelled even without its header. */
  simulated?: boolean;
  /** Time allowed until the response starts (whole answer for generate, first bytes for stream). */
  timeoutMs?: number;
  /** Anthropic requires max_tokens on every call; used when the request has none. */
  defaultMaxTokens?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_TOKENS = 1024;

/** The `@anthropic-ai/sdk` errors; its `error.details.error_code` plays OpenAI's `error.code`. */
export const classifyAnthropicError = sdkErrorClassifier({
  timeout: APIConnectionTimeoutError,
  abort: APIUserAbortError,
  connection: APIConnectionError,
  apiFailure: (error) =>
    error instanceof APIError
      ? { status: error.status, headers: error.headers, message: error.message, type: error.type ?? undefined, code: error.errorCode ?? undefined }
      : undefined,
});

function finishReasonOf(reason: Anthropic.StopReason | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

/** Cached prompt tokens are still prompt tokens: count them so usage compares with OpenAI's. */
function inputTokensOf(usage: { input_tokens: number | null; cache_creation_input_tokens?: number | null; cache_read_input_tokens?: number | null }): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    // Never pick up ANTHROPIC_AUTH_TOKEN from the environment behind the caller's back.
    authToken: null,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Temporal owns retries (see openai-provider.ts).
    maxRetries: 0,
  });

  function params(request: GenerateRequest) {
    // Anthropic takes instructions as a top-level `system`, not as a message.
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const messages = anthropicMessages(request.messages);
    return {
      model: request.model,
      max_tokens: request.maxTokens ?? options.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
      messages,
      ...(system !== '' && { system }),
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.topP !== undefined && { top_p: request.topP }),
      ...(request.stop !== undefined && request.stop.length > 0 && { stop_sequences: request.stop }),
      ...anthropicToolParams(request),
    };
  }

  return {
    id: 'anthropic',

    async generate(request: GenerateRequest): Promise<GenerateResult> {
      try {
        const { data, response } = await client.messages
          .create({ ...params(request), stream: false }, { signal: request.signal })
          .withResponse();
        let text = '';
        for (const block of data.content) if (block.type === 'text') text += block.text;
        const calls = toolCallsOf(data.content);
        const json = wantsJson(request);
        // A JSON answer arrives as the forced tool's input: it is the text, not a call.
        if (json) text = calls[0]?.arguments ?? text;
        const toolCalls = json ? [] : calls;
        return {
          text,
          usage: { inputTokens: inputTokensOf(data.usage), outputTokens: data.usage.output_tokens },
          finishReason: json && data.stop_reason === 'tool_use' ? 'stop' : finishReasonOf(data.stop_reason),
          model: data.model,
          simulated: options.simulated === true || isSimulatedResponse(response.headers),
          ...(toolCalls.length > 0 && { toolCalls }),
        };
      } catch (error) {
        throw toProviderFailure('anthropic', error, request.signal, classifyAnthropicError);
      }
    },

    async *stream(request: GenerateRequest): AsyncIterable<StreamPart> {
      let model = request.model;
      const usage: Usage = { inputTokens: 0, outputTokens: 0 };
      let stopReason: Anthropic.StopReason | null = null;
      let stopped = false;
      let simulated = options.simulated === true;
      const json = wantsJson(request);
      let jsonSent = false;
      const assembler = createToolCallAssembler();
      // Content block index -> position among this answer's calls.
      const callIndex = new Map<number, number>();
      try {
        const { data: events, response } = await client.messages
          .create({ ...params(request), stream: true }, { signal: request.signal })
          .withResponse();
        simulated ||= isSimulatedResponse(response.headers);
        for await (const event of events) {
          switch (event.type) {
            case 'message_start':
              model = event.message.model;
              usage.inputTokens = inputTokensOf(event.message.usage);
              usage.outputTokens = event.message.usage.output_tokens;
              break;
            case 'content_block_start':
              if (event.content_block.type === 'tool_use' && !json) {
                const delta = { index: callIndex.size, id: event.content_block.id, name: event.content_block.name, argumentsDelta: '' };
                callIndex.set(event.index, delta.index);
                assembler.add(delta);
                yield { type: 'tool-call-delta', delta };
              }
              break;
            case 'content_block_delta':
              if (event.delta.type === 'text_delta') yield { type: 'text-delta', text: event.delta.text };
              if (event.delta.type === 'input_json_delta') {
                const index = callIndex.get(event.index);
                // The forced JSON tool's input is the answer's text (anthropic-tool-mapping.ts).
                if (json) {
                  jsonSent ||= event.delta.partial_json !== '';
                  yield { type: 'text-delta', text: event.delta.partial_json };
                }
                else if (index !== undefined) {
                  const delta = { index, argumentsDelta: event.delta.partial_json };
                  assembler.add(delta);
                  yield { type: 'tool-call-delta', delta };
                }
              }
              break;
            case 'message_delta':
              // Counts in message_delta are cumulative totals, not increments.
              stopReason = event.delta.stop_reason ?? stopReason;
              usage.outputTokens = event.usage.output_tokens;
              if (event.usage.input_tokens !== null && event.usage.input_tokens !== undefined) usage.inputTokens = inputTokensOf(event.usage);
              break;
            case 'message_stop':
              stopped = true;
              break;
          }
        }
      } catch (error) {
        throw toProviderFailure('anthropic', error, request.signal, classifyAnthropicError);
      }
      // The SDK ends an aborted stream quietly; the caller's cancellation must still surface.
      request.signal?.throwIfAborted();
      if (!stopped) throw new ProviderError('anthropic', 'connection', 'anthropic: stream ended before message_stop');
      // A forced JSON tool with no properties may stream no input at all: its answer is still an object.
      if (json && !jsonSent && stopReason === 'tool_use') yield { type: 'text-delta', text: '{}' };
      const toolCalls = assembler.calls();
      const finishReason = json && stopReason === 'tool_use' ? 'stop' : finishReasonOf(stopReason);
      yield { type: 'finish', usage, finishReason, model, simulated, ...(toolCalls.length > 0 && { toolCalls }) };
    },
  };
}

// Annotated, not inferred: ProviderId is derived from this type, so it must not depend on itself.
export const anthropicProvider: ProviderAdapter<'anthropic'> = {
  id: 'anthropic',
  label: 'Anthropic',
  env: { required: 'ANTHROPIC_API_KEY', apiKey: 'ANTHROPIC_API_KEY', baseUrl: 'ANTHROPIC_BASE_URL' },
  // The emulator serves Anthropic's /v1/messages at its root, as api.anthropic.com does.
  emulatorPath: '',
  models: [/^claude-/],
  create: (connection) => createAnthropicProvider(connection),
  classify: (error) => classifyAnthropicError('anthropic', error),
};
