/** The read side of model metrics, the same for both backends. Windows are [from, to). */

export interface ModelStatsQuery {
  from: Date;
  to: Date;
  /** One tenant's attempts only; omitted = every tenant (an operator's view). */
  tenantId?: string;
  /** One model only. */
  model?: string;
  /** Only simulated (true) or only real (false) attempts; omitted = both. */
  simulated?: boolean;
}

/** One model's attempts over the window. */
export interface ModelStats {
  provider: string;
  model: string;
  attempts: number;
  errors: number;
  /** errors / attempts. */
  errorRate: number;
  /**
   * Latency percentiles of the successful attempts (a fast 429 is not a fast answer), linearly
   * interpolated like Postgres' percentile_cont. Null when no attempt succeeded.
   */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Median time to first token of the successful streamed attempts; null when none streamed. */
  ttftP50Ms: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface TenantCostQuery {
  tenantId: string;
  from: Date;
  to: Date;
  simulated?: boolean;
}

/** What one model cost one tenant on one UTC day, failed attempts included. */
export interface TenantCostRow {
  /** YYYY-MM-DD, UTC. */
  day: string;
  provider: string;
  model: string;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface TenantCostReport {
  tenantId: string;
  from: Date;
  to: Date;
  totalCostUsd: number;
  /** By day, then by cost (highest first). */
  rows: TenantCostRow[];
}

export interface MetricsQueries {
  /** Per-model stats, busiest model first. */
  modelStats(query: ModelStatsQuery): Promise<ModelStats[]>;
  tenantCostReport(query: TenantCostQuery): Promise<TenantCostReport>;
  close(): Promise<void>;
}

/** Numbers arrive as strings (64-bit sums and counts) or null/NaN (percentiles of nothing). */
function toNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function toNullableNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Both backends' SQL name their result columns alike (provider, model, attempts, errors,
 * latency_p50, latency_p95, ttft_p50, total_input_tokens, total_output_tokens,
 * total_cost_usd, day), so one mapping turns either into the typed result.
 */
export type ResultRow = Record<string, unknown>;

export function modelStatsFromRow(r: ResultRow): ModelStats {
  const attempts = toNumber(r.attempts);
  const errors = toNumber(r.errors);
  return {
    provider: String(r.provider),
    model: String(r.model),
    attempts,
    errors,
    errorRate: attempts > 0 ? errors / attempts : 0,
    latencyP50Ms: toNullableNumber(r.latency_p50),
    latencyP95Ms: toNullableNumber(r.latency_p95),
    ttftP50Ms: toNullableNumber(r.ttft_p50),
    inputTokens: toNumber(r.total_input_tokens),
    outputTokens: toNumber(r.total_output_tokens),
    costUsd: toNumber(r.total_cost_usd),
  };
}

export function costReportFromRows(query: TenantCostQuery, result: ResultRow[]): TenantCostReport {
  const rows = result.map((r) => ({
    day: String(r.day),
    provider: String(r.provider),
    model: String(r.model),
    attempts: toNumber(r.attempts),
    inputTokens: toNumber(r.total_input_tokens),
    outputTokens: toNumber(r.total_output_tokens),
    costUsd: toNumber(r.total_cost_usd),
  }));
  return {
    tenantId: query.tenantId,
    from: query.from,
    to: query.to,
    totalCostUsd: rows.reduce((sum, r) => sum + r.costUsd, 0),
    rows,
  };
}
