import { BURN_RATE_ALERTS, SLO_PERIOD, SLO_WINDOWS, type BurnRateAlert } from './slo-burn-policy.ts';
import type { SloDefinition } from './slo-spec.ts';
import type { PrometheusQuery, PromSample } from './prometheus-query.ts';

export interface FiringAlert {
  alertname: string;
  severity: string;
}

export interface SloStatus {
  name: string;
  service: string;
  description: string;
  /** Percent, as in the spec (99.9). */
  objective: number;
  period: string;
  /** 1 - objective as a ratio (0.001). */
  errorBudget: number;
  /** Good-event ratio over the last 5 minutes; null while there is no traffic. */
  sliNow: number | null;
  /** Good-event ratio over the whole period. */
  sliPeriod: number | null;
  /** 1 untouched, 0 spent, negative overspent. */
  errorBudgetRemaining: number | null;
  /** Error ratio over each window divided by the error budget. */
  burnRates: Record<string, number | null>;
  /** The burn rates that alert (the generated rules): a page or ticket fires when both windows exceed the factor. */
  alertPolicy: readonly BurnRateAlert[];
  alertsFiring: FiringAlert[];
}

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

/**
 * Every SLO's state now, from the recording rules the generator wrote (slo:sli_error:ratio_rate*)
 * and Prometheus's own ALERTS series: one query per window for all SLOs at once. Without a
 * Prometheus the promises themselves (objective, budget, alert policy) are still worth showing,
 * with every measured figure null.
 */
export async function sloStatuses(slos: readonly SloDefinition[], prometheus: PrometheusQuery | undefined): Promise<SloStatus[]> {
  const windows = [...SLO_WINDOWS, SLO_PERIOD];
  const [alerts, ...ratios] = prometheus
    ? await Promise.all([
        prometheus.instant('ALERTS{alertstate="firing",slo!=""}'),
        ...windows.map((w) => prometheus.instant(`slo:sli_error:ratio_rate${w}`)),
      ])
    : [[], ...windows.map((): PromSample[] => [])];
  const bySlo = (samples: PromSample[]) => new Map(samples.map((s) => [s.labels.slo ?? '', s.value]));
  const ratioBy = new Map(windows.map((w, i) => [w, bySlo(ratios[i]!)]));
  return slos.map((slo) => {
    const ratio = (w: string) => finite(ratioBy.get(w)?.get(slo.name));
    const now = ratio('5m');
    const period = ratio(SLO_PERIOD);
    return {
      name: slo.name,
      service: slo.service,
      description: slo.description,
      objective: slo.objective,
      period: SLO_PERIOD,
      errorBudget: slo.errorBudget,
      sliNow: now === null ? null : 1 - now,
      sliPeriod: period === null ? null : 1 - period,
      errorBudgetRemaining: period === null ? null : 1 - period / slo.errorBudget,
      burnRates: Object.fromEntries(windows.map((w) => [w, ratio(w) === null ? null : ratio(w)! / slo.errorBudget])),
      alertPolicy: BURN_RATE_ALERTS,
      alertsFiring: alerts.filter((a) => a.labels.slo === slo.name).map((a) => ({ alertname: a.labels.alertname ?? '', severity: a.labels.severity ?? '' })),
    };
  });
}
