import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { OnCallActivities } from '../activities/ops/oncall-activities.ts';
import type { AnnouncedHandoff, OnCallRotationInput } from '../core/ops/oncall/rotation-types.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';

// PagerDuty outages retry for a few minutes; a refused request (bad key) fails at once.
const rotating: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: boundedRetry({ initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: ['pagerduty_rejected'] }),
};
const { rotateOnCall } = proxyActivities<OnCallActivities>(rotating);

/**
 * One pass of the on-call rotation, started by the `soma-oncall-rotation` Temporal Schedule every
 * interval: every handoff of every schedule since the previous pass (twice the interval, so a
 * late or skipped run loses nothing) is recorded once, announced to PagerDuty as a change event
 * and synced to the linked PagerDuty schedule as an override.
 */
export async function onCallRotation(input: OnCallRotationInput = {}): Promise<AnnouncedHandoff[]> {
  const interval = (input.intervalSeconds ?? 300) * 1000;
  return rotateOnCall({ now: Date.now(), lookbackMs: 2 * interval });
}
