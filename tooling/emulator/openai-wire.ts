/** The OpenAI Chat Completions wire format (JSON, `chat.completion.chunk` SSE, error bodies). */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { textOf, type ChatCall } from './chat-call.ts';
import type { VendorError } from './fault.ts';
import { callIds, type AnswerEnd } from './simulated-answer.ts';
import { requestKey, type EmulatedToolChoice } from './simulated-tool-calls.ts';
import { describeIssue, unixSeconds, type ParsedCall, type WireFormat } from './wire-format.ts';

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() })),
  z.null(),
]);

const toolCallSchema = z.object({ id: z.string(), type: z.literal('function'), function: z.object({ name: z.string(), arguments: z.string() }) });

const toolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    // OpenAI's own rule for function names.
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match ^[a-zA-Z0-9_-]{1,64}$'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const requestSchema = z.object({
  model: z.string().min(1),
  messages: z
    .array(z.object({ role: z.string(), content: contentSchema.optional(), tool_calls: z.array(toolCallSchema).optional(), tool_call_id: z.string().optional() }))
    .min(1),
  tools: z.array(toolSchema).optional(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: z
    .union([
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({ type: z.literal('json_schema'), json_schema: z.object({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }) }),
    ])
    .optional(),
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
  tool_use: 'tool_calls',
};

/** Results at the end of the conversation, named after the calls they answer. */
function trailingToolResults(messages: z.infer<typeof requestSchema>['messages']): Array<{ name: string; content: string }> {
  const names = new Map<string, string>();
  for (const message of messages) for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  const results: Array<{ name: string; content: string }> = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === 'tool'; i--) {
    const message = messages[i]!;
    results.unshift({ name: names.get(message.tool_call_id ?? '') ?? message.tool_call_id ?? 'tool', content: textOf(message.content) });
  }
  return results;
}

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
    const tools = (request.tools ?? []).map((t) => ({ name: t.function.name, parameters: t.function.parameters ?? {} }));
    const choice = request.tool_choice;
    const toolChoice: EmulatedToolChoice = choice === undefined ? 'auto' : typeof choice === 'string' ? choice : { name: choice.function.name };
    // What OpenAI refuses too: a forced tool that is not offered.
    if (typeof toolChoice === 'object' && !tools.some((t) => t.name === toolChoice.name)) {
      return { ok: false, message: `tool_choice: no function named '${toolChoice.name}' in tools`, param: 'tool_choice' };
    }
    const format = request.response_format;
    const call: ChatCall = {
      model: request.model,
      promptTexts,
      lastUserText,
      maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
      stop: typeof stop === 'string' ? [stop] : stop,
      stream: request.stream === true,
      includeUsage: request.stream_options?.include_usage === true,
      tools,
      toolChoice,
      parallelToolCalls: request.parallel_tool_calls !== false,
      lastIsUser: request.messages.at(-1)?.role === 'user',
      toolResults: trailingToolResults(request.messages),
      jsonSchema: format?.type === 'json_object' ? {} : format?.type === 'json_schema' ? (format.json_schema.schema ?? {}) : undefined,
      key: requestKey(body),
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
          message: {
            role: 'assistant',
            // A turn that only calls tools has null content, as OpenAI sends it.
            content: answer.toolCalls.length > 0 ? null : answer.text,
            refusal: null,
            annotations: [],
            ...(answer.toolCalls.length > 0 && {
              tool_calls: answer.toolCalls.map((c, i) => ({ id: callIds(call, answer, 'call')[i], type: 'function', function: { name: c.name, arguments: c.arguments } })),
            }),
          },
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

    const calling = answer.toolCalls.length > 0;
    const frames = [frame({ delta: { role: 'assistant', content: calling ? null : '', refusal: null } })];
    for (const delta of answer.deltas) frames.push(frame({ delta: { content: delta } }));
    const ids = callIds(call, answer, 'call');
    answer.toolCalls.forEach((c, index) => {
      // As OpenAI streams a call: id and name first, then the argument text in pieces.
      frames.push(frame({ delta: { tool_calls: [{ index, id: ids[index], type: 'function', function: { name: c.name, arguments: '' } }] } }));
      const half = Math.ceil(c.arguments.length / 2);
      for (const piece of [c.arguments.slice(0, half), c.arguments.slice(half)]) {
        if (piece !== '') frames.push(frame({ delta: { tool_calls: [{ index, function: { arguments: piece } }] } }));
      }
    });
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
