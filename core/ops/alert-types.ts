import { z } from 'zod';

/**
 * The shapes of the alert path, written once: Alertmanager's webhook (version 4) at the API's
 * edge, and the update every source (Alertmanager, the anomaly detector) hands to the `alert`
 * workflow. Pure (zod only): the workflow imports the types and constants from here.
 */

/** Prometheus label names and values as Alertmanager sends them; bounded so a bad sender cannot flood a history. */
const LabelSet = z.record(z.string().min(1).max(200), z.string().max(2000)).refine((r) => Object.keys(r).length <= 64, 'at most 64 labels');

export const WebhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: LabelSet,
  annotations: LabelSet.default({}),
  startsAt: z.string().max(64),
  endsAt: z.string().max(64).default('0001-01-01T00:00:00Z'),
  generatorURL: z.string().max(2000).default(''),
  fingerprint: z.string().max(64).default(''),
});

/** https://prometheus.io/docs/alerting/latest/configuration/#webhook_config */
export const AlertmanagerWebhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1).max(2000),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(200),
  groupLabels: LabelSet.default({}),
  commonLabels: LabelSet.default({}),
  commonAnnotations: LabelSet.default({}),
  externalURL: z.string().max(2000).default(''),
  alerts: z.array(WebhookAlertSchema).min(1).max(500),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhookSchema>;

export type AlertStatus = 'firing' | 'resolved';

/** One alert of a group, as the workflow keeps it. */
export interface AlertInstance {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  /** Identifies the alert across notifications (Alertmanager's fingerprint, or the raiser's own key). */
  fingerprint: string;
}

/**
 * What any source raises into the alert path (core/ops/alert-intake.ts). The group is the unit of
 * a run: one `alert` workflow per `groupKey` while it fires, ended by a `resolved` update.
 */
export interface AlertGroupUpdate {
  /** Alertmanager's group key, or the raiser's own stable key (e.g. `anomaly:<series>`). */
  groupKey: string;
  status: AlertStatus;
  /** Who raised it: `alertmanager`, `anomaly-detector`, ... */
  source: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: AlertInstance[];
}

/** One line of an alert run's timeline. */
export interface AlertTimelineEntry {
  /** Workflow time (ISO 8601) the update was handled. */
  at: string;
  event: 'fired' | 'still_firing' | 'alert_resolved' | 'group_resolved' | 'expired' | 'paged' | 'page_resolved' | 'page_failed';
  fingerprint?: string;
  alertname?: string;
}

/** What the `alert` workflow answers to its `timeline` query and returns when it ends. */
export interface AlertRunState {
  groupKey: string;
  source: string;
  status: AlertStatus | 'expired';
  slo?: string;
  severity?: string;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  /** The group's alerts by fingerprint, latest state. */
  alerts: AlertInstance[];
  timeline: AlertTimelineEntry[];
  updates: number;
  /** A PagerDuty incident is open for this group (severity `page`, PagerDuty configured). */
  paged?: boolean;
}

/** The workflow type and its signal and query names, shared by the workflow and its starters. */
export const ALERT_WORKFLOW = 'alert';
export const ALERT_UPDATE_SIGNAL = 'alert_update';
export const ALERT_TIMELINE_QUERY = 'timeline';
