/**
 * Prints a streamed completion as it arrives: text deltas on stdout, a dim notice on stderr when
 * a retry or fallback discards the text so far (a terminal cannot take printed text back, so the
 * notice says so), and a one-line summary at the end.
 */
import type { Completion, CompletionStreamEvent } from '@somaagent/sdk';
import { usd } from './format.ts';
import type { Output } from './output.ts';
import type { Spinner } from './spinner.ts';

/** Consumes the stream and returns the final completion (the SDK throws an `error` event as its APIError). */
export async function printCompletionStream(events: AsyncIterable<CompletionStreamEvent>, out: Output, spinner: Spinner): Promise<Completion> {
  let midLine = false;
  const endLine = () => {
    if (midLine) out.write('\n');
    midLine = false;
  };
  try {
    for await (const event of events) {
      switch (event.type) {
        case 'run':
          spinner.update(`Waiting for ${event.model} … (run ${event.id})`);
          break;
        case 'delta':
          spinner.stop();
          if (out.json) break;
          out.write(event.text);
          midLine = !event.text.endsWith('\n');
          break;
        case 'retry':
        case 'fallback': {
          if (out.json) break;
          endLine();
          const what = event.type === 'retry' ? `retrying ${event.model} (attempt ${event.attempt})` : `falling back from ${event.from} to ${event.to}`;
          out.note(`[${event.type}] ${what} after ${event.error}${event.discard_text ? ': the text above is discarded' : ''}`);
          break;
        }
        case 'completion':
          spinner.stop();
          endLine();
          return event.completion;
      }
    }
  } finally {
    spinner.stop();
    endLine();
  }
  throw new Error('the stream ended before the completion did');
}

/** `run … · model · tokens · cost · simulated`, on stderr after the answer. */
export function completionSummary(body: Completion): string {
  const parts = [`run ${body.id}`, `model ${body.model}`];
  if (body.usage) parts.push(`${body.usage.input_tokens} in / ${body.usage.output_tokens} out tokens`);
  if (typeof body.cost_usd === 'number') parts.push(usd(body.cost_usd));
  if (body.fallback_depth) parts.push(`fallback depth ${body.fallback_depth}`);
  if (body.simulated) parts.push('simulated');
  return parts.join(' · ');
}
