/**
 * `somaagent slo status|calc`: the SLOs as Prometheus sees them now (GET /v1/ops/slos, admin),
 * and the error-budget arithmetic of an objective, offline.
 */
import type { Command } from 'commander';
import { contextOf } from '../context.ts';
import { usageError } from '../exit-codes.ts';

interface SloStatus {
  name: string;
  objective: number;
  period: string;
  sli_now: number | null;
  error_budget_remaining: number | null;
  burn_rates: Record<string, number | null>;
  alerts_firing: Array<{ alertname: string; severity: string }>;
}

/**
 * The SRE Workbook's alerting policy as budget fractions, so it scales to any period: page when
 * 2% of the budget burns in 1 h or 5% in 6 h, ticket at 10% in 1 d or 10% in 3 d (the shipped
 * rules use these over 30 days: 14.4x, 6x, 3x, 1x).
 */
const POLICY = [
  { severity: 'page', budgetSpent: 0.02, long: '1h', short: '5m' },
  { severity: 'page', budgetSpent: 0.05, long: '6h', short: '30m' },
  { severity: 'ticket', budgetSpent: 0.1, long: '1d', short: '2h' },
  { severity: 'ticket', budgetSpent: 0.1, long: '3d', short: '6h' },
] as const;

const MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10_080 };

export function windowMinutes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0) throw usageError(`--window must look like 28d, 4w, 720h or 90m, not "${text}"`);
  return Number(match[1]) * MINUTES[match[2]!]!;
}

const round = (x: number, digits = 4) => Number(x.toPrecision(digits));

export interface SloCalculation {
  objective: number;
  window: string;
  error_budget: number;
  budget_minutes: number;
  requests: number;
  bad_requests_allowed: number;
  burn_rates: Array<{ severity: string; burn_rate: number; long_window: string; short_window: string; budget_spent: number; error_ratio_threshold: number; budget_gone_in_hours: number }>;
}

export function calculate(objective: number, window: string, requests: number): SloCalculation {
  if (!(objective > 0 && objective < 100)) throw usageError(`--objective must be a percentage between 0 and 100 (e.g. 99.95), not ${objective}`);
  if (!(Number.isInteger(requests) && requests > 0)) throw usageError(`--requests must be a whole number above 0, not ${requests}`);
  const minutes = windowMinutes(window);
  const budget = Number(((100 - objective) / 100).toPrecision(10));
  return {
    objective,
    window,
    error_budget: budget,
    budget_minutes: round(minutes * budget, 6),
    requests,
    bad_requests_allowed: Math.floor(requests * budget + 1e-9),
    burn_rates: POLICY.map((p) => {
      const burnRate = (p.budgetSpent * minutes) / windowMinutes(p.long);
      return {
        severity: p.severity,
        burn_rate: round(burnRate),
        long_window: p.long,
        short_window: p.short,
        budget_spent: p.budgetSpent,
        error_ratio_threshold: round(burnRate * budget),
        budget_gone_in_hours: round(minutes / burnRate / 60),
      };
    }),
  };
}

const percent = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(3)}%`);
const rate = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(2));

export function registerSlo(program: Command): void {
  const slo = program.command('slo').description('service level objectives: status from Prometheus, and the error-budget calculator');

  slo
    .command('status')
    .description('every SLO: objective, SLI now, error budget left, burn rates, alerts firing (admin)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).get<{ data: SloStatus[] }>('/v1/ops/slos');
      ctx.out.result(body, (b) =>
        ctx.out.table(
          ['SLO', 'OBJECTIVE', 'SLI (5m)', 'BUDGET LEFT', 'BURN 5m', 'BURN 1h', 'BURN 6h', 'BURN 1d', 'FIRING'],
          b.data.map((s) => [
            s.name,
            `${s.objective}% / ${s.period}`,
            percent(s.sli_now),
            percent(s.error_budget_remaining),
            rate(s.burn_rates['5m']),
            rate(s.burn_rates['1h']),
            rate(s.burn_rates['6h']),
            rate(s.burn_rates['1d']),
            s.alerts_firing.map((a) => a.severity).join(',') || '-',
          ]),
        ),
      );
    });

  slo
    .command('calc')
    .description('what an objective allows: budget minutes, bad requests per N, and the burn rates that page or ticket')
    .requiredOption('--objective <percent>', 'e.g. 99.95')
    .option('--window <period>', 'the SLO period: 30d, 28d, 4w, ...', '30d')
    .option('--requests <n>', 'bad requests allowed per this many', '1000000')
    .action((options: { objective: string; window: string; requests: string }, command: Command) => {
      const ctx = contextOf(command);
      const result = calculate(Number(options.objective), options.window, Number(options.requests));
      ctx.out.result(result, (r) => {
        ctx.out.line(`${r.objective}% over ${r.window}: error budget ${r.error_budget} of requests`);
        ctx.out.line(`  = ${r.budget_minutes} minutes of full outage, or ${r.bad_requests_allowed} bad requests per ${r.requests}`);
        ctx.out.line('');
        ctx.out.table(
          ['SEVERITY', 'BURN RATE', 'WINDOWS (long AND short)', 'ERROR RATIO ABOVE', 'SPENDS', 'BUDGET GONE IN'],
          r.burn_rates.map((b) => [b.severity, `${b.burn_rate}x`, `${b.long_window} and ${b.short_window}`, String(b.error_ratio_threshold), `${b.budget_spent * 100}% of the budget in ${b.long_window}`, `${b.budget_gone_in_hours} h`]),
        );
      });
    });
}
