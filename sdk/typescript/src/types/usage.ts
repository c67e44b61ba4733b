/** The window of a usage report: a trailing `window` (15m, 24h, 7d; default 24h), or `from`/`to`. */
export interface UsageWindowParams {
  window?: string;
  /** ISO 8601 with offset. */
  from?: string;
  to?: string;
  /** Only emulator answers (`true`) or only real ones (`false`). */
  simulated?: boolean;
  /** Admin keys only: another tenant. */
  tenant_id?: string;
}

export interface ModelUsageParams extends UsageWindowParams {
  model?: string;
}

export interface ModelUsage {
  model: string;
  provider: string;
  attempts: number;
  errors: number;
  error_rate: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  /** Time to first token (streamed attempts). */
  ttft_p50_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export interface ModelUsageReport {
  object: 'list';
  from: string;
  to: string;
  data: ModelUsage[];
}

export interface CostReportRow {
  /** YYYY-MM-DD (UTC). */
  day: string;
  model: string;
  provider: string;
  attempts: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export interface CostReport {
  object: 'cost_report';
  tenant_id: string;
  from: string;
  to: string;
  total_cost_usd: number;
  rows: CostReportRow[];
}
