/** The Anthropic Messages wire format (JSON, named SSE events, `{type:"error"}` bodies). */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { textOf, type ChatCall } from './chat-call.ts';
import type { VendorError } from './fault.ts';
import { callIds, type AnswerEnd } from './simulated-answer.ts';
import { requestKey, type EmulatedToolChoice } from './simulated-tool-calls.ts';
import { describeIssue, type ParsedCall, type WireFormat } from './wire-format.ts';

const textPartsSchema = z.array(z.object({ type: z.string(), text: z.string().optional() }));

/** Content blocks: text, and the tool blocks (other types pass through as text-less parts). */
const blockSchema = z.object({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  tool_use_id: z.string().optional(),
  content: z.union([z.string(), textPartsSchema]).optional(),
});

const requestSchema = z.object({
  model: z.string().min(1),
  // Required by the real API; the emulator rejects its absence the same way.
  max_tokens: z.number().int().positive(),
  messages: z.array(z.object({ role: z.string(), content: z.union([z.string(), z.array(blockSchema)]) })).min(1),
  tools: z
    .array(z.object({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'String should match pattern ^[a-zA-Z0-9_-]{1,64}$'), description: z.string().optional(), input_schema: z.record(z.string(), z.unknown()) }))
    .optional(),
  tool_choice: z
    .object({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional(), disable_parallel_tool_use: z.boolean().optional() })
    .optional(),
  system: z.union([z.string(), textPartsSchema]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
});

const STOP_REASON: Record<AnswerEnd, string> = {
  complete: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_use',
};

type Message = z.infer<typeof requestSchema>['messages'][number];

const blocksOf = (message: Message | undefined) => (message && Array.isArray(message.content) ? message.content : []);

/** The tool_result blocks of the last turn, named after the tool_use blocks they answer. */
function trailingToolResults(messages: Message[]): Array<{ name: string; content: string }> {
  const names = new Map<string, string>();
  for (const message of messages) for (const block of blocksOf(message)) if (block.type === 'tool_use' && block.id && block.name) names.set(block.id, block.name);
  const last = messages.at(-1);
  if (last?.role !== 'user') return [];
  return blocksOf(last)
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({ name: names.get(b.tool_use_id ?? '') ?? b.tool_use_id ?? 'tool', content: textOf(b.content) }));
}

/** Real Anthropic `error.type` and message per status. */
function errorFields(error: VendorError, model: string | undefined): { type: string; message: string } {
  if (error.reason === 'context_length') {
    return { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum (simulated)' };
  }
  if (error.reason === 'content_policy') {
    return { type: 'invalid_request_error', message: 'Output blocked by content filtering policy (simulated)' };
  }
  switch (error.status) {
    case 400:
      return { type: 'invalid_request_error', message: error.message ?? 'Invalid request (simulated)' };
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key (simulated)' };
    case 403:
      return { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource. (simulated)' };
    case 404:
      return { type: 'not_found_error', message: error.message ?? `model: ${model ?? 'unknown'} (simulated)` };
    case 429:
      return { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit. (simulated)' };
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded (simulated)' };
    default:
      return { type: 'api_error', message: 'Internal server error (simulated)' };
  }
}

function sse(event: string, data: object): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const anthropicWire: WireFormat = {
  vendor: 'anthropic',
  requestIdHeader: 'request-id',

  parseCall(body): ParsedCall {
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) return { ok: false, ...describeIssue(parsed.error) };
    const request = parsed.data;
    const turns = request.messages.map((message) => textOf(message.content));
    let lastUserText = '';
    for (let i = request.messages.length - 1; i >= 0; i--) {
      if (request.messages[i]?.role === 'user') {
        lastUserText = turns[i] ?? '';
        break;
      }
    }
    const tools = (request.tools ?? []).map((t) => ({ name: t.name, parameters: t.input_schema }));
    const choice = request.tool_choice;
    let toolChoice: EmulatedToolChoice = 'auto';
    if (choice?.type === 'none') toolChoice = 'none';
    else if (choice?.type === 'any') toolChoice = 'required';
    else if (choice?.type === 'tool') {
      const name = choice.name ?? '';
      // What Anthropic refuses too: a forced tool that is not offered.
      if (!tools.some((t) => t.name === name)) return { ok: false, message: `tool_choice.name: Tool '${name}' not found in tools`, param: 'tool_choice' };
      toolChoice = { name };
    }
    const toolResults = trailingToolResults(request.messages);
    const call: ChatCall = {
      model: request.model,
      promptTexts: request.system === undefined ? [...turns, ...toolResults.map((r) => r.content)] : [textOf(request.system), ...turns, ...toolResults.map((r) => r.content)],
      lastUserText,
      maxTokens: request.max_tokens,
      stop: request.stop_sequences ?? [],
      stream: request.stream === true,
      includeUsage: false,
      tools,
      toolChoice,
      parallelToolCalls: choice?.disable_parallel_tool_use !== true,
      lastIsUser: request.messages.at(-1)?.role === 'user' && toolResults.length === 0,
      toolResults,
      // Anthropic has no JSON mode (clients force a tool instead).
      jsonSchema: undefined,
      key: requestKey(body),
    };
    return { ok: true, call };
  },

  hasValidKey(headers: IncomingHttpHeaders, expected: string): boolean {
    // The SDK sends `x-api-key`; its `authToken` option sends a bearer token instead.
    return headers['x-api-key'] === expected || headers.authorization === `Bearer ${expected}`;
  },

  completion(call, answer, seq) {
    return {
      id: `msg_sim${seq}`,
      type: 'message',
      role: 'assistant',
      model: call.model,
      content:
        answer.toolCalls.length > 0
          ? answer.toolCalls.map((c, i) => ({ type: 'tool_use', id: callIds(call, answer, 'toolu')[i], name: c.name, input: JSON.parse(c.arguments) as unknown }))
          : [{ type: 'text', text: answer.text }],
      stop_reason: STOP_REASON[answer.end],
      stop_sequence: answer.stopSequence,
      usage: {
        input_tokens: answer.inputTokens,
        output_tokens: answer.outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    };
  },

  streamFrames(call, answer, seq) {
    const frames = [
      sse('message_start', {
        type: 'message_start',
        message: {
          id: `msg_sim${seq}`,
          type: 'message',
          role: 'assistant',
          model: call.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          // Like the real API, output_tokens starts at 1 and the final count comes in message_delta.
          usage: { input_tokens: answer.inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      }),
    ];
    const ids = callIds(call, answer, 'toolu');
    if (answer.toolCalls.length === 0) {
      frames.push(sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }), sse('ping', { type: 'ping' }));
      for (const text of answer.deltas) {
        frames.push(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }));
      }
      frames.push(sse('content_block_stop', { type: 'content_block_stop', index: 0 }));
    }
    answer.toolCalls.forEach((c, index) => {
      // As Anthropic streams tool use: a tool_use block, then its input as JSON text in pieces.
      frames.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: ids[index], name: c.name, input: {} } }));
      const half = Math.ceil(c.arguments.length / 2);
      for (const partial_json of [c.arguments.slice(0, half), c.arguments.slice(half)]) {
        if (partial_json !== '') frames.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
      }
      frames.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    });
    frames.push(
      sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: STOP_REASON[answer.end], stop_sequence: answer.stopSequence },
        usage: { output_tokens: answer.outputTokens },
      }),
      sse('message_stop', { type: 'message_stop' }),
    );
    return frames;
  },

  errorBody(error, requestId, model) {
    return { type: 'error', error: errorFields(error, model), request_id: requestId };
  },

  modelList(models) {
    const data = models.map((id) => ({ type: 'model', id, display_name: `${id} (simulated)`, created_at: '2025-01-01T00:00:00Z' }));
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  },
};
