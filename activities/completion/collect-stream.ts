import type { GenerateRequest, GenerateResult, Provider } from '../../core/providers/provider.ts';
import { ProviderError } from '../../core/providers/provider-error.ts';
import type { StreamRelay } from './stream-relay.ts';

export interface StreamedResult extends GenerateResult {
  /** From the start of the call to the first text delta; null when the answer had no text. */
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
    } else {
      return { text, usage: part.usage, finishReason: part.finishReason, model: part.model, simulated: part.simulated, ttftMs };
    }
  }
  // Providers promise a finish part; a stream without one was cut off.
  throw new ProviderError(provider.id, 'connection', `${provider.id}: stream ended before a finish part`);
}
