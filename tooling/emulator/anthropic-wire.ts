/** The Anthropic Messages wire format (JSON, named SSE events, `{type:"error"}` bodies). */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { textOf, type ChatCall } from './chat-call.ts';
import type { VendorError } from './fault.ts';
import type { AnswerEnd } from './simulated-answer.ts';
import { describeIssue, type ParsedCall, type WireFormat } from './wire-format.ts';

const textPartsSchema = z.array(z.object({ type: z.string(), text: z.string().optional() }));

const requestSchema = z.object({
  model: z.string().min(1),
  // Required by the real API; the emulator rejects its absence the same way.
  max_tokens: z.number().int().positive(),
  messages: z.array(z.object({ role: z.string(), content: z.union([z.string(), textPartsSchema]) })).min(1),
  system: z.union([z.string(), textPartsSchema]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
});

const STOP_REASON: Record<AnswerEnd, string> = {
  complete: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
};

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
    const call: ChatCall = {
      model: request.model,
      promptTexts: request.system === undefined ? turns : [textOf(request.system), ...turns],
      lastUserText,
      maxTokens: request.max_tokens,
      stop: request.stop_sequences ?? [],
      stream: request.stream === true,
      includeUsage: false,
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
      content: [{ type: 'text', text: answer.text }],
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
      sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      sse('ping', { type: 'ping' }),
    ];
    for (const text of answer.deltas) {
      frames.push(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }));
    }
    frames.push(
      sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
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
