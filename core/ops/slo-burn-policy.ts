/**
 * The SRE Workbook's multi-window, multi-burn-rate alerting (chapter 5, "Alerting on SLOs"),
 * table 5-8: each alert needs a long window (is the budget really burning?) AND a short one
 * (is it still burning now?), so it fires fast on a fast burn and resets fast after a fix.
 * Pure: the generator, the status endpoint and the tests read the same numbers.
 */
export const SLO_PERIOD = '30d';
export const SLO_PERIOD_SECONDS = 30 * 86_400;

/** Every window an error ratio is recorded for. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

export interface BurnRateAlert {
  severity: 'page' | 'ticket';
  /** Burn rate: how many times faster than "exactly the whole budget in the period". */
  factor: number;
  long: SloWindow;
  short: SloWindow;
}

export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { severity: 'page', factor: 14.4, long: '1h', short: '5m' }, // 2% of a 30-day budget in one hour
  { severity: 'page', factor: 6, long: '6h', short: '30m' }, // 5% in six hours
  { severity: 'ticket', factor: 3, long: '1d', short: '2h' }, // 10% in a day
  { severity: 'ticket', factor: 1, long: '3d', short: '6h' }, // 10% in three days
];

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export function durationSeconds(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/** A Prometheus duration for a whole number of seconds, in the largest unit that divides it. */
export function promDuration(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) if (whole % size === 0) return `${whole / size}${unit}`;
  return `${whole}s`;
}
