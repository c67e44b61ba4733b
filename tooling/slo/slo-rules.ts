import { BURN_RATE_ALERTS, durationSeconds, promDuration, SLO_PERIOD, SLO_WINDOWS, type BurnRateAlert } from '../../core/ops/slo-burn-policy.ts';
import { decimal, type SloDefinition } from '../../core/ops/slo-spec.ts';

/** Where each alert's runbook section lives; its anchor is the alert name in lowercase. */
export const DEFAULT_RUNBOOK_BASE = 'docs/runbooks/slo-violations.md';

export interface RuleOptions {
  runbookBase?: string;
  /**
   * Multiplies every window (a test profile: 1/30 makes 5m 10s and 1h 2m). The rule names keep
   * the real windows, so the alerts read exactly as in the shipped file.
   */
  windowScale?: number;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<RecordingRule | AlertingRule>;
}

export const ratioRecord = (window: string) => `slo:sli_error:ratio_rate${window}`;

export const runbookAnchor = (alertName: string) => alertName.toLowerCase();

function scaled(window: string, scale: number): string {
  return scale === 1 ? window : promDuration(durationSeconds(window) * scale);
}

const withWindow = (query: string, window: string) => query.trim().replaceAll('{{.window}}', window).replace(/\s+/g, ' ');

function errorRatio(slo: SloDefinition, window: string): string {
  // No error series at all (no 5xx yet) is a ratio of 0, not "no data"; no traffic stays no data.
  return `((${withWindow(slo.sli.events.error_query, window)}) or vector(0))\n/\n(${withWindow(slo.sli.events.total_query, window)})`;
}

function sloLabels(slo: SloDefinition): Record<string, string> {
  return { ...slo.serviceLabels, service: slo.service, slo: slo.name };
}

function burnCondition(slo: SloDefinition, a: BurnRateAlert): string {
  const selector = `{slo="${slo.name}"}`;
  const threshold = `(${a.factor} * ${slo.errorBudget})`;
  return `(\n  ${ratioRecord(a.long)}${selector} > ${threshold}\n  and\n  ${ratioRecord(a.short)}${selector} > ${threshold}\n)`;
}

/** The rule groups of one SLO: its error ratios per window, its budget figures, its two alerts. */
export function sloRuleGroups(slo: SloDefinition, options: RuleOptions = {}): RuleGroup[] {
  const scale = options.windowScale ?? 1;
  const labels = sloLabels(slo);
  const selector = `{slo="${slo.name}"}`;
  const recordings: RecordingRule[] = [...SLO_WINDOWS, SLO_PERIOD].map((w) => ({ record: ratioRecord(w), expr: errorRatio(slo, scaled(w, scale)), labels }));
  const meta: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${decimal(slo.objective / 100)})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(${slo.errorBudget})`, labels },
    // 1 = untouched, 0 = spent, below 0 = overspent.
    { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - (${ratioRecord(SLO_PERIOD)}${selector} / ${slo.errorBudget})`, labels },
    { record: 'slo:current_burn_rate:ratio', expr: `${ratioRecord('5m')}${selector} / ${slo.errorBudget}`, labels },
  ];
  const alerts: AlertingRule[] = [];
  for (const severity of ['page', 'ticket'] as const) {
    const own = severity === 'page' ? slo.alerting.page_alert : slo.alerting.ticket_alert;
    if (own.disable) continue;
    const policy = BURN_RATE_ALERTS.filter((a) => a.severity === severity);
    const windows = policy.map((a) => `${a.factor}x over ${a.long} and ${a.short}`).join(', or ');
    alerts.push({
      alert: slo.alerting.name,
      expr: policy.map((a) => burnCondition(slo, a)).join('\nor\n'),
      labels: {
        ...slo.alerting.labels,
        ...own.labels,
        severity,
        slo: slo.name,
        service: slo.service,
        runbook_url: `${options.runbookBase ?? DEFAULT_RUNBOOK_BASE}#${runbookAnchor(slo.alerting.name)}`,
      },
      annotations: {
        ...slo.alerting.annotations,
        ...own.annotations,
        title: `${slo.name}: error budget burning (${severity})`,
        description: `${slo.description} The error budget (${slo.errorBudget}) burns at ${windows}.`,
      },
    });
  }
  return [
    { name: `slo-sli-recordings-${slo.name}`, rules: recordings },
    { name: `slo-meta-recordings-${slo.name}`, rules: meta },
    { name: `slo-alerts-${slo.name}`, rules: alerts },
  ];
}

export function sloRules(slos: readonly SloDefinition[], options: RuleOptions = {}): { groups: RuleGroup[] } {
  return { groups: slos.flatMap((slo) => sloRuleGroups(slo, options)) };
}
