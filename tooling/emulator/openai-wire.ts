/** The OpenAI Chat Completions wire format (JSON, `chat.completion.chunk` SSE, error bodies). */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { textOf, type ChatCall } from './chat-call.ts';
import type { VendorError } from './fault.ts';
import type { AnswerEnd } from './simulated-answer.ts';
import { describeIssue, unixSeconds, type ParsedCall, type WireFormat } from './wire-format.ts';

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() })),
  z.null(),
]);

const requestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(z.object({ role: z.string(), content: contentSchema.optional() })).min(1),
  // `max_tokens` is deprecated by OpenAI but still what local servers (Ollama, vLLM) read.
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
});

const FINISH_REASON: Record<AnswerEnd, string> = {
  complete: 'stop',
  max_tokens: 'length',
  stop_sequence: 'stop',
};

/** Real OpenAI `error.type` / `error.code` / message per status. */
function errorFields(error: VendorError, model: string | undefined): { type: string; code: string | null; message: string; param: string | null } {
  if (error.reason === 'context_length') {
    return {
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
      message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages. (simulated)",
    };
  }
  if (error.reason === 'content_policy') {
    return {
      type: 'invalid_request_error',
      code: 'content_filter',
      param: 'prompt',
      message: "The response was filtered due to the prompt triggering content management policy. (simulated)",
    };
  }
  if (error.reason === 'unknown_route') {
    return { type: 'invalid_request_error', code: null, param: null, message: error.message ?? 'Invalid URL' };
  }
  switch (error.status) {
    case 400:
      return { type: 'invalid_request_error', code: null, param: error.param ?? null, message: error.message ?? 'Invalid request. (simulated)' };
    case 401:
      return { type: 'invalid_request_error', code: 'invalid_api_key', param: null, message: 'Incorrect API key provided. (simulated)' };
    case 403:
      return { type: 'invalid_request_error', code: 'model_not_allowed', param: null, message: 'You are not allowed to use this model. (simulated)' };
    case 404:
      return { type: 'invalid_request_error', code: 'model_not_found', param: null, message: `The model \`${model ?? 'unknown'}\` does not exist or you do not have access to it. (simulated)` };
    case 429:
      return { type: 'requests', code: 'rate_limit_exceeded', param: null, message: 'Rate limit reached for requests. Please try again later. (simulated)' };
    case 503:
      return { type: 'server_error', code: null, param: null, message: 'The engine is currently overloaded, please try again later. (simulated)' };
    default:
      return { type: 'server_error', code: null, param: null, message: 'The server had an error while processing your request. Sorry about that! (simulated)' };
  }
}

export const openAIWire: WireFormat = {
  vendor: 'openai',
  requestIdHeader: 'x-request-id',

  parseCall(body): ParsedCall {
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) return { ok: false, ...describeIssue(parsed.error) };
    const request = parsed.data;
    const promptTexts = request.messages.map((message) => textOf(message.content));
    let lastUserText = '';
    for (let i = request.messages.length - 1; i >= 0; i--) {
      if (request.messages[i]?.role === 'user') {
        lastUserText = promptTexts[i] ?? '';
        break;
      }
    }
    const stop = request.stop ?? [];
    const call: ChatCall = {
      model: request.model,
      promptTexts,
      lastUserText,
      maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
      stop: typeof stop === 'string' ? [stop] : stop,
      stream: request.stream === true,
      includeUsage: request.stream_options?.include_usage === true,
    };
    return { ok: true, call };
  },

  hasValidKey(headers: IncomingHttpHeaders, expected: string): boolean {
    return headers.authorization === `Bearer ${expected}`;
  },

  completion(call, answer, seq) {
    return {
      id: `chatcmpl-sim${seq}`,
      object: 'chat.completion',
      created: unixSeconds(),
      model: call.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: answer.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: FINISH_REASON[answer.end],
        },
      ],
      usage: {
        prompt_tokens: answer.inputTokens,
        completion_tokens: answer.outputTokens,
        total_tokens: answer.inputTokens + answer.outputTokens,
      },
      system_fingerprint: 'fp_soma_simulated',
    };
  },

  streamFrames(call, answer, seq) {
    const base = { id: `chatcmpl-sim${seq}`, object: 'chat.completion.chunk', created: unixSeconds(), model: call.model, system_fingerprint: 'fp_soma_simulated' };
    // With include_usage every chunk carries `usage: null` until the dedicated final usage chunk.
    const usageNull = call.includeUsage ? { usage: null } : {};
    const frame = (choice: object): string =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, logprobs: null, finish_reason: null, ...choice }], ...usageNull })}\n\n`;

    const frames = [frame({ delta: { role: 'assistant', content: '', refusal: null } })];
    for (const delta of answer.deltas) frames.push(frame({ delta: { content: delta } }));
    frames.push(frame({ delta: {}, finish_reason: FINISH_REASON[answer.end] }));
    if (call.includeUsage) {
      const usage = { prompt_tokens: answer.inputTokens, completion_tokens: answer.outputTokens, total_tokens: answer.inputTokens + answer.outputTokens };
      frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
    }
    frames.push('data: [DONE]\n\n');
    return frames;
  },

  errorBody(error, _requestId, model) {
    const { type, code, param, message } = errorFields(error, model);
    return { error: { message, type, param, code } };
  },

  modelList(models) {
    const created = unixSeconds();
    return { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'soma-emulator' })) };
  },
};
