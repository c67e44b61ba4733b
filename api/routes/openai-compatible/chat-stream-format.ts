import type { StreamFormat } from '../../completion-stream.ts';
import type { CompletionResult } from '../../../core/completions/completion-types.ts';
import { chatCompletionId, openAiFinishReason, openAiUsage } from './chat-completion-response.ts';
import { toOpenAiError } from './openai-errors.ts';

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

/**
 * OpenAI's streaming format: `chat.completion.chunk` objects as unnamed `data:` events, a last
 * chunk with the finish reason, with `include_usage` one more with the usage (and `usage: null`
 * on the others), then `data: [DONE]`. A new attempt before any text was sent is invisible. One
 * after text was sent cannot be expressed (OpenAI streams never take text back): the stream
 * ends with an error event; the run goes on, and its answer is at GET /v1/runs/{x-soma-run-id}.
 * Per request: it remembers that and writes nothing more.
 */
export function chatStreamFormat(options: { runId: string; created: number; includeUsage: boolean }): StreamFormat {
  let model = '';
  let ended = false;
  const chunk = (delta: object, finishReason: string | null) => data({
    id: chatCompletionId(options.runId),
    object: 'chat.completion.chunk',
    created: options.created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(options.includeUsage && { usage: null }),
  });
  return {
    open(run) {
      model = run.model;
      return chunk({ role: 'assistant', content: '' }, null);
    },
    delta: (text) => (ended ? '' : chunk({ content: text }, null)),
    // As OpenAI streams calls: the first piece of a call has its id, type and name.
    toolCallDelta: (d) =>
      ended
        ? ''
        : chunk(
            {
              tool_calls: [
                {
                  index: d.index,
                  ...(d.id !== undefined && { id: d.id, type: 'function' }),
                  function: { ...(d.name !== undefined && { name: d.name }), arguments: d.argumentsDelta },
                },
              ],
            },
            null,
          ),
    replaced(_event, fields) {
      if (ended || !fields.discard_text) return '';
      ended = true;
      return data({
        error: {
          message: `The answer was interrupted and is being generated again (${String(fields.error)}); the text so far is void. The run goes on: GET /v1/runs/${options.runId} has its answer.`,
          type: 'server_error',
          param: null,
          code: 'stream_restarted',
        },
      });
    },
    result(_body, result: CompletionResult) {
      if (ended) return '';
      ended = true;
      model = result.modelId;
      const last = chunk({}, openAiFinishReason(result.finishReason));
      const usage = options.includeUsage
        ? data({ id: chatCompletionId(options.runId), object: 'chat.completion.chunk', created: options.created, model, system_fingerprint: null, choices: [], usage: openAiUsage(result) })
        : '';
      return `${last}${usage}data: [DONE]\n\n`;
    },
    error(_status, _body, error) {
      if (ended) return '';
      ended = true;
      return data(toOpenAiError(error).body);
    },
  };
}
