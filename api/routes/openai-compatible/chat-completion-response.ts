import type { CompletionResult } from '../../../core/completions/completion-types.ts';
import type { FinishReason } from '../../../core/providers/provider.ts';

/** OpenAI's finish reasons: ours are the same words, except `other`, which it has no word for. */
export function openAiFinishReason(reason: FinishReason): 'stop' | 'length' | 'content_filter' | 'tool_calls' {
  return reason === 'other' ? 'stop' : reason;
}

/** `chatcmpl-` and the run id, so an answer leads back to its run (also in x-soma-run-id). */
export const chatCompletionId = (runId: string) => `chatcmpl-${runId}`;

export const openAiUsage = (result: CompletionResult) => ({
  prompt_tokens: result.usage.inputTokens,
  completion_tokens: result.usage.outputTokens,
  total_tokens: result.usage.inputTokens + result.usage.outputTokens,
});

/** The answer as OpenAI's assistant message: `tool_calls` when the model called tools (content null when it said nothing else). */
function assistantMessage(result: CompletionResult) {
  const calls = result.toolCalls ?? [];
  if (calls.length === 0) return { role: 'assistant' as const, content: result.text, refusal: null };
  return {
    role: 'assistant' as const,
    content: result.text === '' ? null : result.text,
    refusal: null,
    tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
  };
}

/** A finished run as OpenAI's `chat.completion` object. */
export function chatCompletionResponse(runId: string, created: number, result: CompletionResult) {
  return {
    id: chatCompletionId(runId),
    object: 'chat.completion' as const,
    created,
    /** The registry id of the model that answered (after routing and fallbacks). */
    model: result.modelId,
    // No fingerprint: the backend configuration is not a single deterministic system.
    system_fingerprint: null,
    choices: [{ index: 0, message: assistantMessage(result), logprobs: null, finish_reason: openAiFinishReason(result.finishReason) }],
    usage: openAiUsage(result),
  };
}
