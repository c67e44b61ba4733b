// Shapes of the on-call rotation workflow and its schedule (pure: the workflow imports them).

export interface RotationInput {
  /** The instant of this run (the workflow's clock), epoch ms. */
  readonly now: number;
  /** Handoffs in (now − lookback, now] are announced (each once: they are recorded). */
  readonly lookbackMs: number;
}

export interface AnnouncedHandoff {
  readonly tenantId: string;
  readonly scheduleId: string;
  readonly schedule: string;
  readonly at: string;
  readonly from: string | null;
  readonly to: string | null;
  /** What was sent to PagerDuty: `change_event`, `override:<id>`, or null (not configured). */
  readonly pagerduty: string | null;
}

export interface OnCallRotationInput {
  readonly intervalSeconds?: number;
}

export const ONCALL_ROTATION_WORKFLOW = 'onCallRotation';
export const ONCALL_ROTATION_SCHEDULE_ID = 'soma-oncall-rotation';
