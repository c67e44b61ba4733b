import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { OnCallActivities } from '../activities/ops/oncall-activities.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import {
  ALERT_TIMELINE_QUERY,
  ALERT_UPDATE_SIGNAL,
  type AlertGroupUpdate,
  type AlertInstance,
  type AlertRunState,
  type AlertTimelineEntry,
} from '../core/ops/alert-types.ts';

// A page must survive a PagerDuty blip, but not retry for ever: about ten minutes in all.
const { pageOnCall } = proxyActivities<Pick<OnCallActivities, 'pageOnCall'>>({
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry({ initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 12 }),
});

export const alertUpdateSignal = defineSignal<[AlertGroupUpdate]>(ALERT_UPDATE_SIGNAL);
export const alertTimelineQuery = defineQuery<AlertRunState>(ALERT_TIMELINE_QUERY);

export interface AlertInput {
  groupKey: string;
  source: string;
  /** Carried over by continue-as-new. */
  state?: AlertRunState;
}

/**
 * A group that hears nothing for this long ends as `expired`: Alertmanager repeats a firing
 * group's notification every repeat_interval (infra/alertmanager: at most 4 h), so a day of
 * silence means its resolution was lost (an API outage while it was sent).
 */
const SILENCE_LIMIT = '24 hours';
/** Updates handled before continue-as-new keeps the history short. */
const UPDATES_PER_RUN = 500;

/**
 * One alert group as a durable run (`alert-<hash of groupKey>`), started by the first firing
 * notification (core/ops/alert-intake.ts). Each notification is a signal; the run records when
 * each alert fired and resolved, answers its state to the `timeline` query, and completes when
 * the group resolves. A group of severity `page` pages the on-call through PagerDuty (when
 * PAGERDUTY_ROUTING_KEY is set; the activity is a no-op otherwise), deduplicated by this run's id,
 * and resolves the incident when the group resolves.
 */
export async function alert(input: AlertInput): Promise<AlertRunState> {
  const state: AlertRunState = input.state ?? {
    groupKey: input.groupKey,
    source: input.source,
    status: 'firing',
    commonLabels: {},
    commonAnnotations: {},
    alerts: [],
    timeline: [],
    updates: 0,
  };
  const pending: AlertGroupUpdate[] = [];
  setHandler(alertUpdateSignal, (update) => {
    pending.push(update);
  });
  setHandler(alertTimelineQuery, () => state);

  let handled = 0;
  while (handled < UPDATES_PER_RUN) {
    if (!(await condition(() => pending.length > 0, SILENCE_LIMIT))) {
      state.status = 'expired';
      state.timeline.push({ at: new Date().toISOString(), event: 'expired' });
      return state;
    }
    const update = pending.shift()!;
    handled++;
    apply(state, update);
    await syncPage(state);
    if (state.status === 'resolved') return state;
  }
  // Notifications that arrived meanwhile would be lost by continue-as-new; handle them first.
  while (pending.length > 0) apply(state, pending.shift()!);
  await syncPage(state);
  if (state.status === 'resolved') return state;
  return continueAsNew<typeof alert>({ groupKey: input.groupKey, source: input.source, state });
}

/** Opens the PagerDuty incident when a page-severity group fires, closes it when the group resolves. */
async function syncPage(state: AlertRunState): Promise<void> {
  const firing = state.status === 'firing';
  if (firing === (state.paged ?? false) || state.severity !== 'page') return;
  const name = state.commonLabels.alertname ?? state.slo ?? state.groupKey;
  let sent: boolean;
  try {
    ({ sent } = await pageOnCall({
      action: firing ? 'trigger' : 'resolve',
      dedupKey: workflowInfo().workflowId,
      summary: `${name}${state.slo ? ` (SLO ${state.slo})` : ''}: ${state.commonAnnotations.summary ?? 'page-level alert firing'}`.slice(0, 1024),
      source: state.source,
      severity: 'critical',
      details: { group_key: state.groupKey, ...(state.slo !== undefined && { slo: state.slo }), ...((state.commonLabels.runbook_url ?? state.commonAnnotations.runbook_url) !== undefined && { runbook_url: (state.commonLabels.runbook_url ?? state.commonAnnotations.runbook_url)! }) },
    }));
  } catch {
    // PagerDuty refused the page (a bad routing key) or stayed down past the retries: the alert
    // run must not die with it — it keeps recording the group, and says so in the timeline.
    state.timeline.push({ at: new Date().toISOString(), event: 'page_failed' });
    return;
  }
  if (!sent) return;
  state.paged = firing;
  state.timeline.push({ at: new Date().toISOString(), event: firing ? 'paged' : 'page_resolved' });
}

function apply(state: AlertRunState, update: AlertGroupUpdate): void {
  const at = new Date().toISOString();
  state.updates++;
  state.commonLabels = update.commonLabels;
  state.commonAnnotations = update.commonAnnotations;
  const slo = update.commonLabels.slo ?? update.groupLabels.slo;
  const severity = update.commonLabels.severity ?? update.groupLabels.severity;
  if (state.slo === undefined && slo !== undefined) state.slo = slo;
  if (state.severity === undefined && severity !== undefined) state.severity = severity;
  const byFingerprint = new Map(state.alerts.map((a) => [a.fingerprint, a]));
  for (const incoming of update.alerts) {
    const known = byFingerprint.get(incoming.fingerprint);
    const entry: AlertTimelineEntry = {
      at,
      event: incoming.status === 'resolved' ? 'alert_resolved' : known?.status === 'firing' ? 'still_firing' : 'fired',
      fingerprint: incoming.fingerprint,
      ...(incoming.labels.alertname !== undefined && { alertname: incoming.labels.alertname }),
    };
    // A repeat notification of an alert already firing is not news: keep the timeline readable.
    if (entry.event !== 'still_firing') state.timeline.push(entry);
    if (!(known?.status === 'resolved' && incoming.status === 'resolved')) byFingerprint.set(incoming.fingerprint, copy(incoming));
  }
  state.alerts = [...byFingerprint.values()];
  if (update.status === 'resolved') {
    state.status = 'resolved';
    state.timeline.push({ at, event: 'group_resolved' });
  } else {
    state.status = 'firing';
  }
}

const copy = (a: AlertInstance): AlertInstance => ({ ...a, labels: { ...a.labels }, annotations: { ...a.annotations } });
