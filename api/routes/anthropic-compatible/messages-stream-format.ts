import type { StreamFormat } from '../../completion-stream.ts';
import { anthropicStopReason, messageId } from './message-response.ts';
import { toAnthropicError } from './anthropic-errors.ts';

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Anthropic's streaming events: message_start, a text content block (content_block_start,
 * content_block_delta …, content_block_stop), one tool_use block per call (its input as
 * input_json_delta pieces), message_delta (stop reason, output tokens), message_stop. As with
 * OpenAI's format, text already sent cannot be taken back: a new attempt after text ends the
 * stream with an error event; the run goes on (GET /v1/runs/{id}).
 */
export function messagesStreamFormat(options: { runId: string }): StreamFormat {
  let ended = false;
  /** The content block open now (0: the text block). */
  let block = 0;
  /** Call index -> its content block. */
  const callBlocks = new Map<number, number>();
  const end = (text: string) => {
    ended = true;
    return text;
  };
  return {
    open: (run) =>
      event('message_start', {
        type: 'message_start',
        message: { id: messageId(options.runId), type: 'message', role: 'assistant', model: run.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
      }) + event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    delta: (text) => (ended || block !== 0 ? '' : event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
    toolCallDelta(d) {
      if (ended) return '';
      let out = '';
      let index = callBlocks.get(d.index);
      if (index === undefined) {
        // A new call closes the block before it and opens its own tool_use block.
        out += event('content_block_stop', { type: 'content_block_stop', index: block });
        index = block + 1;
        block = index;
        callBlocks.set(d.index, index);
        out += event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: d.id ?? '', name: d.name ?? '', input: {} } });
      }
      if (d.argumentsDelta !== '') out += event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: d.argumentsDelta } });
      return out;
    },
    replaced(_event, fields) {
      if (ended || !fields.discard_text) return '';
      return end(event('error', { type: 'error', error: { type: 'api_error', message: `The answer was interrupted and is being generated again (${String(fields.error)}); the text so far is void. The run goes on: GET /v1/runs/${options.runId} has its answer.` } }));
    },
    result(_body, result) {
      if (ended) return '';
      return end(
        event('content_block_stop', { type: 'content_block_stop', index: block }) +
          event('message_delta', { type: 'message_delta', delta: { stop_reason: anthropicStopReason(result.finishReason), stop_sequence: null }, usage: { input_tokens: result.usage.inputTokens, output_tokens: result.usage.outputTokens } }) +
          event('message_stop', { type: 'message_stop' }),
      );
    },
    error: (_status, _body, error) => (ended ? '' : end(event('error', toAnthropicError(error).body))),
  };
}
