import type { CompletionResult } from '../../../core/completions/completion-types.ts';
import type { FinishReason } from '../../../core/providers/provider.ts';

/** `msg_` and the run id, so an answer leads back to its run (also in x-soma-run-id). */
export const messageId = (runId: string) => `msg_${runId}`;

export function anthropicStopReason(reason: FinishReason): 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal' {
  if (reason === 'length') return 'max_tokens';
  if (reason === 'tool_calls') return 'tool_use';
  if (reason === 'content_filter') return 'refusal';
  return 'end_turn';
}

/** A JSON text as the object Anthropic's `input` is; arguments that are no object become {}. */
export function inputOf(args: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The answer's text block, then one tool_use block per call (a call-only answer has no empty text block). */
function contentBlocks(result: CompletionResult) {
  const calls = result.toolCalls ?? [];
  const text = calls.length > 0 && result.text === '' ? [] : [{ type: 'text' as const, text: result.text }];
  return [...text, ...calls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: inputOf(c.arguments) }))];
}

/** A finished run as Anthropic's `message` object. */
export function messageResponse(runId: string, result: CompletionResult) {
  return {
    id: messageId(runId),
    type: 'message' as const,
    role: 'assistant' as const,
    model: result.modelId,
    content: contentBlocks(result),
    stop_reason: anthropicStopReason(result.finishReason),
    stop_sequence: null,
    usage: { input_tokens: result.usage.inputTokens, output_tokens: result.usage.outputTokens },
  };
}
