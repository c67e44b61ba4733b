/**
 * THE WAY INTO THE ALERT PATH. Every alert source — Alertmanager's webhook (POST /v1/ops/alerts),
 * the anomaly detector, anything else — raises alerts here, so every alert becomes the same kind
 * of durable run: one `alert` workflow (workflows/alert.ts) per alert group, in the Web UI with
 * SomaKind=alert, SomaSlo and SomaSeverity.
 *
 *   const intake = createAlertIntake({ client, taskQueue });
 *   await intake.raise({ groupKey: 'anomaly:latency/gpt-4o-mini', status: 'firing', source: 'anomaly-detector',
 *     groupLabels: {}, commonLabels: { alertname: 'LatencyAnomaly', severity: 'ticket' }, commonAnnotations: {},
 *     alerts: [{ status: 'firing', labels: {...}, annotations: {...}, startsAt, endsAt: '', fingerprint: 'latency/gpt-4o-mini' }] });
 *   // later, when the anomaly is over: the same groupKey with status 'resolved' ends the run.
 *
 * From a workflow, call the `raiseAlert` activity (activities/ops/create-alert-activities.ts).
 */
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { KIND, SEVERITY, SLO } from '../../platform/temporal/search-attributes.ts';
import { ALERT_UPDATE_SIGNAL, ALERT_WORKFLOW, type AlertGroupUpdate } from './alert-types.ts';

export interface AlertIntakeResult {
  workflowId: string;
  /** `started` a new run, `signalled` the group's running one, or `ignored` a resolution of a group with no run. */
  action: 'started' | 'signalled' | 'ignored';
}

export interface AlertIntake {
  raise(update: AlertGroupUpdate): Promise<AlertIntakeResult>;
}

export interface AlertIntakeDeps {
  /** A client with the payload codec (dataConverterFromEnv): alert labels go to history encrypted. */
  client: Client;
  taskQueue: string;
}

/** Stable per group (so every notification reaches one run) and readable: `alert-<24 hex>`. */
export function alertWorkflowId(groupKey: string): string {
  return `alert-${createHash('sha256').update(groupKey).digest('hex').slice(0, 24)}`;
}

export function createAlertIntake(deps: AlertIntakeDeps): AlertIntake {
  const { client, taskQueue } = deps;
  return {
    async raise(update) {
      const workflowId = alertWorkflowId(update.groupKey);
      try {
        // The usual case for a repeat notification or a resolution: the group's run is open.
        await client.workflow.getHandle(workflowId).signal(ALERT_UPDATE_SIGNAL, update);
        return { workflowId, action: 'signalled' };
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      // A resolution of a group whose run is over (or never began) has nothing to end.
      if (update.status === 'resolved') return { workflowId, action: 'ignored' };
      const slo = update.commonLabels.slo ?? update.groupLabels.slo;
      const severity = update.commonLabels.severity ?? update.groupLabels.severity;
      // Signal-with-start: two notifications racing here still make one run.
      await client.workflow.signalWithStart(ALERT_WORKFLOW, {
        workflowId,
        taskQueue,
        args: [{ groupKey: update.groupKey, source: update.source }],
        signal: ALERT_UPDATE_SIGNAL,
        signalArgs: [update],
        typedSearchAttributes: [
          { key: KIND, value: 'alert' },
          ...(slo ? [{ key: SLO, value: slo }] : []),
          ...(severity ? [{ key: SEVERITY, value: severity }] : []),
        ],
      });
      return { workflowId, action: 'started' };
    },
  };
}
