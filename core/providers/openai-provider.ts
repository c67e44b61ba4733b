/**
 * The OpenAI provider adapter, over the official `openai` SDK (Chat Completions). The client
 * also serves OpenAI-compatible servers (Ollama, vLLM, llama.cpp): see local-provider.ts.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { sdkErrorClassifier, toProviderFailure } from './classify-provider-error.ts';
import type { ProviderAdapter } from './provider-adapter.ts';
import type { FinishReason, GenerateRequest, GenerateResult, Provider, ProviderId, StreamPart, Usage } from './provider.ts';
import { ProviderError } from './provider-error.ts';
import { isSimulatedResponse } from './simulated-header.ts';
import { createToolCallAssembler } from './tool-call-assembler.ts';
import { openAIMessage, openAIToolParams, toolCallsOf } from './openai-tool-mapping.ts';

export interface OpenAIProviderOptions {
  /** Local servers rarely check it; any placeholder works there. */
  apiKey: string;
  /** Defaults to api.openai.com; for local servers e.g. `http://127.0.0.1:11434/v1`. */
  baseURL?: string | undefined;
  /** `openai`, or the id of an OpenAI-compatible adapter built on this client (`local`). */
  id?: ProviderId;
  /** OpenAI's reasoning models take only max_completion_tokens; compatible servers only know max_tokens. */
  maxTokensParam?: 'max_completion_tokens' | 'max_tokens';
  /** Set when the base URL is the provider emulator, so results are labelled even without its header. */
  simulated?: boolean;
  /** Time allowed until the response starts (whole answer for generate, first bytes for stream). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** The `openai` SDK's errors, for this adapter and every adapter built on the same SDK. */
export const classifyOpenAIError = sdkErrorClassifier({
  timeout: APIConnectionTimeoutError,
  abort: APIUserAbortError,
  connection: APIConnectionError,
  apiFailure: (error) =>
    error instanceof APIError
      ? { status: error.status, headers: error.headers, message: error.message, type: error.type ?? undefined, code: error.code ?? undefined }
      : undefined,
});

function finishReasonOf(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

function usageOf(usage: OpenAI.CompletionUsage | null | undefined): Usage {
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}

export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const id = options.id ?? 'openai';
  const maxTokensParam = options.maxTokensParam ?? (id === 'openai' ? 'max_completion_tokens' : 'max_tokens');
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Temporal owns retries: an SDK retry inside an activity attempt would hide failures from
    // the workflow's policy and multiply the time an attempt can take.
    maxRetries: 0,
  });

  function params(request: GenerateRequest) {
    return {
      model: request.model,
      messages: request.messages.map(openAIMessage),
      ...(request.maxTokens !== undefined && (maxTokensParam === 'max_tokens' ? { max_tokens: request.maxTokens } : { max_completion_tokens: request.maxTokens })),
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.topP !== undefined && { top_p: request.topP }),
      ...(request.stop !== undefined && request.stop.length > 0 && { stop: request.stop }),
      ...openAIToolParams(request),
    };
  }

  return {
    id,

    async generate(request: GenerateRequest): Promise<GenerateResult> {
      try {
        const { data, response } = await client.chat.completions
          .create({ ...params(request), stream: false }, { signal: request.signal })
          .withResponse();
        const choice = data.choices[0];
        const toolCalls = toolCallsOf(choice?.message.tool_calls);
        return {
          text: choice?.message.content ?? '',
          usage: usageOf(data.usage),
          finishReason: finishReasonOf(choice?.finish_reason),
          model: data.model,
          simulated: options.simulated === true || isSimulatedResponse(response.headers),
          ...(toolCalls.length > 0 && { toolCalls }),
        };
      } catch (error) {
        throw toProviderFailure(id, error, request.signal, classifyOpenAIError);
      }
    },

    async *stream(request: GenerateRequest): AsyncIterable<StreamPart> {
      let model = request.model;
      let usage: Usage = { inputTokens: 0, outputTokens: 0 };
      let finishReason: FinishReason | undefined;
      let simulated = options.simulated === true;
      const assembler = createToolCallAssembler();
      try {
        const { data: chunks, response } = await client.chat.completions
          .create({ ...params(request), stream: true, stream_options: { include_usage: true } }, { signal: request.signal })
          .withResponse();
        simulated ||= isSimulatedResponse(response.headers);
        for await (const chunk of chunks) {
          if (chunk.model) model = chunk.model;
          // The usage chunk comes after the finish chunk, with no choices.
          if (chunk.usage) usage = usageOf(chunk.usage);
          const choice = chunk.choices[0];
          if (choice?.delta.content) yield { type: 'text-delta', text: choice.delta.content };
          for (const piece of choice?.delta.tool_calls ?? []) {
            const delta = {
              index: piece.index,
              ...(piece.id && { id: piece.id }),
              ...(piece.function?.name && { name: piece.function.name }),
              argumentsDelta: piece.function?.arguments ?? '',
            };
            assembler.add(delta);
            yield { type: 'tool-call-delta', delta };
          }
          if (choice?.finish_reason) finishReason = finishReasonOf(choice.finish_reason);
        }
      } catch (error) {
        throw toProviderFailure(id, error, request.signal, classifyOpenAIError);
      }
      // The SDK ends an aborted stream quietly; the caller's cancellation must still surface.
      request.signal?.throwIfAborted();
      if (finishReason === undefined) {
        throw new ProviderError(id, 'connection', `${id}: stream ended before a finish reason`);
      }
      const toolCalls = assembler.calls();
      yield { type: 'finish', usage, finishReason, model, simulated, ...(toolCalls.length > 0 && { toolCalls }) };
    },
  };
}

// Annotated, not inferred: ProviderId is derived from this type, so it must not depend on itself.
export const openaiProvider: ProviderAdapter<'openai'> = {
  id: 'openai',
  label: 'OpenAI',
  env: { required: 'OPENAI_API_KEY', apiKey: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL' },
  emulatorPath: '/v1',
  models: [/^gpt-/, /^o\d/, /^chatgpt-/],
  create: (connection) => createOpenAIProvider({ id: 'openai', ...connection }),
  classify: (error) => classifyOpenAIError('openai', error),
};
