import type { AlertIntake, AlertIntakeResult } from '../../core/ops/alert-intake.ts';
import type { AlertGroupUpdate } from '../../core/ops/alert-types.ts';

export interface AlertActivitiesDeps {
  intake: AlertIntake;
}

/**
 * The alert path for workflows (the anomaly detector): a workflow cannot signal-with-start another
 * workflow itself, so it raises through this activity, which hands the update to the same intake
 * as Alertmanager's webhook.
 */
export function createAlertActivities(deps: AlertActivitiesDeps) {
  return {
    async raiseAlert(update: AlertGroupUpdate): Promise<AlertIntakeResult> {
      return deps.intake.raise(update);
    },
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
