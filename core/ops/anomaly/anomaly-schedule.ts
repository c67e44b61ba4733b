// The Temporal Schedule that runs the `anomalyDetector` workflow every interval. Created by the
// stack at start (and by any operator tool) idempotently: an existing schedule is left as it is,
// so a restart never resets a paused schedule or an operator's changed interval.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { KIND } from '../../../platform/temporal/search-attributes.ts';
import { ANOMALY_DETECTOR_WORKFLOW, ANOMALY_SCHEDULE_ID, type AnomalyDetectorInput } from './anomaly-types.ts';

export interface AnomalyScheduleOptions {
  /** A client with the payload codec (dataConverterFromEnv). */
  client: Client;
  taskQueue: string;
  scheduleId?: string;
  intervalSeconds?: number;
  input?: AnomalyDetectorInput;
}

/** Creates the schedule unless it exists; answers whether it was created now. */
export async function ensureAnomalySchedule(options: AnomalyScheduleOptions): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = options.scheduleId ?? ANOMALY_SCHEDULE_ID;
  const intervalSeconds = options.intervalSeconds ?? options.input?.intervalSeconds ?? 300;
  const workflowId = scheduleId;
  try {
    await options.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: `${intervalSeconds} seconds` }] },
      action: {
        type: 'startWorkflow',
        workflowType: ANOMALY_DETECTOR_WORKFLOW,
        workflowId,
        taskQueue: options.taskQueue,
        // The report window is the schedule's period unless the caller set its own (tests do).
        args: [{ ...options.input, intervalSeconds: options.input?.intervalSeconds ?? intervalSeconds }],
        typedSearchAttributes: [{ key: KIND, value: 'anomaly-detector' }],
        workflowExecutionTimeout: `${Math.max(60, intervalSeconds * 2)} seconds`,
      },
      // A scan that overruns its interval is not doubled up; the next one catches up.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${Math.max(60, intervalSeconds)} seconds` },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}
