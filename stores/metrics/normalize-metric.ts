import type { ModelAttemptMetric } from '../../core/metrics/model-attempt-metric.ts';

const MAX_TEXT = 256;
/** Upper bounds of the narrowest column that holds each number (Postgres integer, UInt16). */
const MAX_INT32 = 2_147_483_647;
const MAX_UINT16 = 65_535;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Postgres text cannot hold NUL; a long value is a bug upstream, not worth a failed batch.
  return value.replaceAll('\u0000', '').slice(0, MAX_TEXT);
}

function count(value: unknown, max: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(max, Math.max(0, Math.round(value)));
}

/**
 * A copy of the metric that every backend will accept, or undefined when it cannot be one
 * (no tenant, run or model; an unknown status). Numbers are clamped to their columns and text
 * is trimmed, because one bad row would otherwise fail its whole batch, and the batch would
 * be retried forever. Never throws, whatever it is given.
 */
export function normalizeMetric(input: unknown): ModelAttemptMetric | undefined {
  try {
    if (typeof input !== 'object' || input === null) return undefined;
    const m = input as Record<string, unknown>;
    const tenantId = text(m.tenantId);
    const runId = text(m.runId);
    const model = text(m.model);
    const status = m.status;
    if (!tenantId || !runId || !model || (status !== 'ok' && status !== 'error')) return undefined;
    const ts = typeof m.ts === 'number' && Number.isFinite(m.ts) && m.ts > 0 ? Math.round(m.ts) : Date.now();
    const ttft = m.ttftMs === null || m.ttftMs === undefined ? null : (count(m.ttftMs, MAX_INT32) ?? null);
    const costUsd = typeof m.costUsd === 'number' && Number.isFinite(m.costUsd) && m.costUsd > 0 ? m.costUsd : 0;
    return {
      ts,
      tenantId,
      runId,
      attempt: count(m.attempt, MAX_UINT16) ?? 1,
      fallbackDepth: count(m.fallbackDepth, MAX_UINT16) ?? 0,
      requestedModel: text(m.requestedModel) ?? model,
      model,
      provider: text(m.provider) ?? 'unknown',
      status,
      errorClass: text(m.errorClass) ?? null,
      latencyMs: count(m.latencyMs, MAX_INT32) ?? 0,
      ttftMs: ttft,
      inputTokens: count(m.inputTokens, MAX_INT32) ?? 0,
      outputTokens: count(m.outputTokens, MAX_INT32) ?? 0,
      costUsd,
      simulated: m.simulated === true,
    };
  } catch {
    // A getter that throws, a revoked proxy: not a metric.
    return undefined;
  }
}
