/**
 * One provider attempt, as the performance tracker stores it: every call to a model, whether
 * it answered or failed, is one record. Plain data (numbers, not Dates) so it crosses a
 * Temporal activity boundary unchanged. Types only: workflows may import it.
 */
export interface ModelAttemptMetric {
  /** When the attempt started, epoch milliseconds. ClickHouse keeps it to the second. */
  ts: number;
  tenantId: string;
  /** The workflow id of the run the attempt belongs to. */
  runId: string;
  /**
   * Temporal's attempt number of the activity (1 = first try). With runId and fallbackDepth it
   * identifies the attempt: a second record with the same three is a duplicate and is dropped
   * by the store.
   */
  attempt: number;
  /** Position of the model in the fallback chain: 0 = the first candidate. */
  fallbackDepth: number;
  /** What the caller asked for (`auto`, an alias, or a model name). */
  requestedModel: string;
  /** The model this attempt called. */
  model: string;
  provider: string;
  status: 'ok' | 'error';
  /** The failure kind (`rate_limited`, `server_error`, `timeout`, ...) when status is `error`. */
  errorClass: string | null;
  /** Wall time of the attempt, until the last token or the failure. */
  latencyMs: number;
  /** Time to the first streamed token; null when the attempt did not stream or failed before it. */
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  /** Cost of this attempt in US dollars (0 for free local models). */
  costUsd: number;
  /** True when the provider emulator answered, so simulated traffic can be told apart. */
  simulated: boolean;
}
