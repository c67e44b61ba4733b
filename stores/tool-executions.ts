/**
 * The record of completed tool calls, by (tenant, idempotency key): what lets a retried activity
 * return the first attempt's result instead of calling the tool a second time. Only finished
 * outcomes are recorded (a success or a permanent refusal); a retryable failure leaves no row.
 */
import type { ToolError } from '../core/tools/tool-activity-contract.ts';
import type { Pool } from '../platform/db/pool.ts';

/** What the call produced, secrets redacted (the activity adds `replayed`). */
export type RecordedResult = { ok: true; content: string } | { ok: false; error: ToolError };

export interface ToolExecution {
  runId: string;
  callId: string;
  toolName: string;
  toolVersion: number;
  result: RecordedResult;
  durationMs: number;
}

export interface ToolExecutionStore {
  find(tenantId: string, idempotencyKey: string): Promise<ToolExecution | undefined>;
  /** Records `execution` unless one is recorded already; returns the one that is. */
  record(tenantId: string, idempotencyKey: string, execution: ToolExecution): Promise<ToolExecution>;
}

interface Row {
  run_id: string;
  call_id: string;
  tool_name: string;
  tool_version: number;
  result: RecordedResult;
  duration_ms: number;
}

const toExecution = (r: Row): ToolExecution => ({ runId: r.run_id, callId: r.call_id, toolName: r.tool_name, toolVersion: r.tool_version, result: r.result, durationMs: r.duration_ms });
const COLUMNS = 'run_id, call_id, tool_name, tool_version, result, duration_ms';

export function createToolExecutionStore(pool: Pool): ToolExecutionStore {
  const find = async (tenantId: string, idempotencyKey: string) => {
    const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM tool_executions WHERE tenant_id = $1 AND idempotency_key = $2`, [tenantId, idempotencyKey]);
    return rows[0] && toExecution(rows[0]);
  };
  return {
    find,
    async record(tenantId, idempotencyKey, e) {
      const { rows } = await pool.query<Row>(
        `INSERT INTO tool_executions (tenant_id, idempotency_key, run_id, call_id, tool_name, tool_version, result, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
        [tenantId, idempotencyKey, e.runId, e.callId, e.toolName, e.toolVersion, JSON.stringify(e.result), e.durationMs],
      );
      // A concurrent attempt recorded first: its result is the call's result.
      return rows[0] ? toExecution(rows[0]) : (await find(tenantId, idempotencyKey))!;
    },
  };
}
