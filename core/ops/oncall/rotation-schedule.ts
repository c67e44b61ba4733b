// The Temporal Schedule of the on-call rotation, created by the stack at start, idempotently
// (an existing schedule, paused or edited by an operator, is left as it is).
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { KIND } from '../../../platform/temporal/search-attributes.ts';
import { ONCALL_ROTATION_SCHEDULE_ID, ONCALL_ROTATION_WORKFLOW } from './rotation-types.ts';

export async function ensureOnCallRotationSchedule(options: { client: Client; taskQueue: string; scheduleId?: string; intervalSeconds?: number }): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = options.scheduleId ?? ONCALL_ROTATION_SCHEDULE_ID;
  const intervalSeconds = options.intervalSeconds ?? 300;
  try {
    await options.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: `${intervalSeconds} seconds` }] },
      action: {
        type: 'startWorkflow',
        workflowType: ONCALL_ROTATION_WORKFLOW,
        workflowId: scheduleId,
        taskQueue: options.taskQueue,
        args: [{ intervalSeconds }],
        typedSearchAttributes: [{ key: KIND, value: 'oncall-rotation' }],
        workflowExecutionTimeout: `${Math.max(120, intervalSeconds * 2)} seconds`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${Math.max(60, intervalSeconds)} seconds` },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}
