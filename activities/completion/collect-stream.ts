import type { GenerateRequest, GenerateResult, Provider } from '../../core/providers/provider.ts';
import { ProviderError } from '../../core/providers/provider-error.ts';
import type { StreamRelay } from './stream-relay.ts';

export interface StreamedResult extends GenerateResult {
  /** From the start of the call to the first text or tool-call delta; null when the answer had neither. */
  ttftMs: number | null;
}

/** Streams one provider call, relaying each delta, and returns the whole answer. */
export async function collectStream(provider: Provider, request: GenerateRequest, relay: StreamRelay, started: number): Promise<StreamedResult> {
  let text = '';
  let ttftMs: number | null = null;
  for await (const part of provider.stream(request)) {
    if (part.type === 'text-delta') {
      if (part.text.length === 0) continue;
      ttftMs ??= performance.now() - started;
      text += part.text;
      relay.push({ type: 'delta', text: part.text });
    } else if (part.type === 'tool-call-delta') {
      // A call is the answer's first output as much as text is.
      ttftMs ??= performance.now() - started;
      relay.push({ type: 'tool_call_delta', delta: part.delta });
    } else {
      return {
        text,
        usage: part.usage,
        finishReason: part.finishReason,
        model: part.model,
        simulated: part.simulated,
        ...(part.toolCalls && part.toolCalls.length > 0 && { toolCalls: part.toolCalls }),
        ttftMs,
      };
    }
  }
  // Providers promise a finish part; a stream without one was cut off.
  throw new ProviderError(provider.id, 'connection', `${provider.id}: stream ended before a finish part`);
}
