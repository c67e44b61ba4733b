/**
 * What a model-call activity tells the API while a streamed run is in flight. Transient: the
 * workflow result stays the source of truth, and a subscriber that misses events still gets
 * the whole answer from it.
 */
import type { ProviderId, ToolCallDelta } from '../../core/providers/provider.ts';

interface AttemptRef {
  /** Registry id of the candidate. */
  model: string;
  provider: ProviderId;
  /** Temporal attempt of this candidate (1 for the first call). */
  attempt: number;
  /** Position in the fallback chain. */
  fallbackDepth: number;
}

export type RunStreamEvent =
  /** A provider call begins: text after this belongs to it. */
  | ({ type: 'attempt' } & AttemptRef)
  | { type: 'delta'; text: string }
  /** A piece of a tool call the model is making (the first piece of a call has its id and name). */
  | { type: 'tool_call_delta'; delta: ToolCallDelta }
  /** The call failed (or its breaker skipped it); a retry or the next candidate may follow. */
  | ({ type: 'attempt_failed'; error: string } & AttemptRef)
  /** The call finished and every delta of it has been published. */
  | ({ type: 'attempt_done' } & AttemptRef);
