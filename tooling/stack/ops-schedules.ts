// The operations schedules the stack makes sure exist at every start (idempotent: an existing
// schedule, paused or edited by an operator, is left alone).
import { Client, Connection } from '@temporalio/client';
import type { Env } from '../../platform/config.ts';
import { dataConverterFromEnv } from '../../platform/temporal/payload-codec/payload-data-converter.ts';
import { ensureAnomalySchedule } from '../../core/ops/anomaly/anomaly-schedule.ts';
import { ensureOnCallRotationSchedule } from '../../core/ops/oncall/rotation-schedule.ts';

export async function ensureOpsSchedules(env: Env, temporalAddress: string, say: (line: string) => void): Promise<void> {
  try {
    await ensure(env, temporalAddress, say);
  } catch (err) {
    // Monitoring must not keep the platform from starting: say so, and the next start retries.
    say(`warning: operations schedules not ensured (${err instanceof Error ? err.message : String(err)}); they are created at the next start`);
  }
}

async function ensure(env: Env, temporalAddress: string, say: (line: string) => void): Promise<void> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    // Schedule arguments are workflow input: encrypted like every other payload.
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter: dataConverterFromEnv(env) });
    const anomaly = await ensureAnomalySchedule({ client, taskQueue: env.TEMPORAL_TASK_QUEUE, intervalSeconds: env.ANOMALY_INTERVAL_SECONDS });
    if (anomaly.created) say(`created the Temporal Schedule ${anomaly.scheduleId} (anomaly detector every ${env.ANOMALY_INTERVAL_SECONDS} s)`);
    const rotation = await ensureOnCallRotationSchedule({ client, taskQueue: env.TEMPORAL_TASK_QUEUE, intervalSeconds: env.ONCALL_ROTATION_INTERVAL_SECONDS });
    if (rotation.created) say(`created the Temporal Schedule ${rotation.scheduleId} (on-call rotation every ${env.ONCALL_ROTATION_INTERVAL_SECONDS} s)`);
  } finally {
    await connection.close();
  }
}
