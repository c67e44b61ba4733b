import type { EscalationPolicySpec, OnCallOverrideSpec, OnCallScheduleSpec, OverrideWindow } from '../core/ops/oncall/oncall-types.ts';
import type { Pool } from '../platform/db/pool.ts';
import { newId } from '../platform/ids.ts';

export interface OnCallSchedule {
  id: string;
  tenantId: string;
  spec: OnCallScheduleSpec;
  createdAt: Date;
  updatedAt: Date;
}

export interface OnCallOverride extends OverrideWindow {
  id: string;
  scheduleId: string;
  createdBy: string | null;
}

export interface EscalationPolicy {
  id: string;
  spec: EscalationPolicySpec;
  createdAt: Date;
  updatedAt: Date;
}

export interface HandoffRecord {
  scheduleId: string;
  at: number;
  from: string | null;
  to: string | null;
  pagerduty: string | null;
}

/** Names are unique per tenant: the API answers 409 instead of a 500 from the constraint. */
export class DuplicateNameError extends Error {}

interface ScheduleRow {
  id: string;
  tenant_id: string;
  spec: OnCallScheduleSpec;
  created_at: Date;
  updated_at: Date;
}
interface OverrideRow {
  id: string;
  schedule_id: string;
  user_ref: string;
  starts_at: Date;
  ends_at: Date;
  created_at: Date;
  created_by: string | null;
}
interface PolicyRow {
  id: string;
  spec: EscalationPolicySpec;
  created_at: Date;
  updated_at: Date;
}

const toSchedule = (r: ScheduleRow): OnCallSchedule => ({ id: r.id, tenantId: r.tenant_id, spec: r.spec, createdAt: r.created_at, updatedAt: r.updated_at });
const toOverride = (r: OverrideRow): OnCallOverride => ({
  id: r.id,
  scheduleId: r.schedule_id,
  user: r.user_ref,
  start: r.starts_at.getTime(),
  end: r.ends_at.getTime(),
  createdAt: r.created_at.getTime(),
  createdBy: r.created_by,
});
const toPolicy = (r: PolicyRow): EscalationPolicy => ({ id: r.id, spec: r.spec, createdAt: r.created_at, updatedAt: r.updated_at });

function unique<T>(run: () => Promise<T>, what: string): Promise<T> {
  return run().catch((err: unknown) => {
    if ((err as { code?: string }).code === '23505') throw new DuplicateNameError(`${what} with this name already exists`);
    throw err;
  });
}

export interface OnCallStore {
  createSchedule(tenantId: string, spec: OnCallScheduleSpec): Promise<OnCallSchedule>;
  updateSchedule(tenantId: string, id: string, spec: OnCallScheduleSpec): Promise<OnCallSchedule | undefined>;
  getSchedule(tenantId: string, id: string): Promise<OnCallSchedule | undefined>;
  listSchedules(tenantId: string): Promise<OnCallSchedule[]>;
  /** Every tenant's schedules: the rotation workflow's sweep. */
  listAllSchedules(): Promise<OnCallSchedule[]>;
  deleteSchedule(tenantId: string, id: string): Promise<boolean>;
  addOverride(tenantId: string, scheduleId: string, spec: OnCallOverrideSpec, createdBy: string | null): Promise<OnCallOverride>;
  /** Overrides that have not ended by `since`. */
  listOverrides(tenantId: string, scheduleId: string, since: Date): Promise<OnCallOverride[]>;
  deleteOverride(tenantId: string, scheduleId: string, id: string): Promise<boolean>;
  createPolicy(tenantId: string, spec: EscalationPolicySpec): Promise<EscalationPolicy>;
  updatePolicy(tenantId: string, id: string, spec: EscalationPolicySpec): Promise<EscalationPolicy | undefined>;
  getPolicy(tenantId: string, id: string): Promise<EscalationPolicy | undefined>;
  listPolicies(tenantId: string): Promise<EscalationPolicy[]>;
  deletePolicy(tenantId: string, id: string): Promise<boolean>;
  /** Records a handoff once; false when it was already recorded (a retry, an overlapping run). */
  recordHandoff(tenantId: string, handoff: HandoffRecord): Promise<boolean>;
  listHandoffs(tenantId: string, scheduleId: string): Promise<HandoffRecord[]>;
  handoffRecorded(tenantId: string, scheduleId: string, at: number): Promise<boolean>;
}

export function createOnCallStore(pool: Pool): OnCallStore {
  return {
    createSchedule(tenantId, spec) {
      return unique(async () => {
        const { rows } = await pool.query<ScheduleRow>(
          'INSERT INTO oncall_schedules (tenant_id, id, name, spec) VALUES ($1, $2, $3, $4) RETURNING *',
          [tenantId, newId('sch'), spec.name, JSON.stringify(spec)],
        );
        return toSchedule(rows[0]!);
      }, 'a schedule');
    },
    updateSchedule(tenantId, id, spec) {
      return unique(async () => {
        const { rows } = await pool.query<ScheduleRow>(
          'UPDATE oncall_schedules SET name = $3, spec = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING *',
          [tenantId, id, spec.name, JSON.stringify(spec)],
        );
        return rows[0] && toSchedule(rows[0]);
      }, 'a schedule');
    },
    async getSchedule(tenantId, id) {
      const { rows } = await pool.query<ScheduleRow>('SELECT * FROM oncall_schedules WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return rows[0] && toSchedule(rows[0]);
    },
    async listSchedules(tenantId) {
      const { rows } = await pool.query<ScheduleRow>('SELECT * FROM oncall_schedules WHERE tenant_id = $1 ORDER BY name', [tenantId]);
      return rows.map(toSchedule);
    },
    async listAllSchedules() {
      const { rows } = await pool.query<ScheduleRow>('SELECT * FROM oncall_schedules ORDER BY tenant_id, name');
      return rows.map(toSchedule);
    },
    async deleteSchedule(tenantId, id) {
      return ((await pool.query('DELETE FROM oncall_schedules WHERE tenant_id = $1 AND id = $2', [tenantId, id])).rowCount ?? 0) > 0;
    },
    async addOverride(tenantId, scheduleId, spec, createdBy) {
      const { rows } = await pool.query<OverrideRow>(
        `INSERT INTO oncall_overrides (tenant_id, id, schedule_id, user_ref, starts_at, ends_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [tenantId, newId('ovr'), scheduleId, spec.user, new Date(spec.start), new Date(spec.end), createdBy],
      );
      return toOverride(rows[0]!);
    },
    async listOverrides(tenantId, scheduleId, since) {
      const { rows } = await pool.query<OverrideRow>(
        'SELECT * FROM oncall_overrides WHERE tenant_id = $1 AND schedule_id = $2 AND ends_at > $3 ORDER BY starts_at, created_at',
        [tenantId, scheduleId, since],
      );
      return rows.map(toOverride);
    },
    async deleteOverride(tenantId, scheduleId, id) {
      const r = await pool.query('DELETE FROM oncall_overrides WHERE tenant_id = $1 AND schedule_id = $2 AND id = $3', [tenantId, scheduleId, id]);
      return (r.rowCount ?? 0) > 0;
    },
    createPolicy(tenantId, spec) {
      return unique(async () => {
        const { rows } = await pool.query<PolicyRow>(
          'INSERT INTO escalation_policies (tenant_id, id, name, spec) VALUES ($1, $2, $3, $4) RETURNING *',
          [tenantId, newId('esc'), spec.name, JSON.stringify(spec)],
        );
        return toPolicy(rows[0]!);
      }, 'an escalation policy');
    },
    updatePolicy(tenantId, id, spec) {
      return unique(async () => {
        const { rows } = await pool.query<PolicyRow>(
          'UPDATE escalation_policies SET name = $3, spec = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING *',
          [tenantId, id, spec.name, JSON.stringify(spec)],
        );
        return rows[0] && toPolicy(rows[0]);
      }, 'an escalation policy');
    },
    async getPolicy(tenantId, id) {
      const { rows } = await pool.query<PolicyRow>('SELECT * FROM escalation_policies WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return rows[0] && toPolicy(rows[0]);
    },
    async listPolicies(tenantId) {
      const { rows } = await pool.query<PolicyRow>('SELECT * FROM escalation_policies WHERE tenant_id = $1 ORDER BY name', [tenantId]);
      return rows.map(toPolicy);
    },
    async deletePolicy(tenantId, id) {
      return ((await pool.query('DELETE FROM escalation_policies WHERE tenant_id = $1 AND id = $2', [tenantId, id])).rowCount ?? 0) > 0;
    },
    async recordHandoff(tenantId, h) {
      const r = await pool.query(
        `INSERT INTO oncall_handoffs (tenant_id, schedule_id, handoff_at, from_user, to_user, pagerduty)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [tenantId, h.scheduleId, new Date(h.at), h.from, h.to, h.pagerduty],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async handoffRecorded(tenantId, scheduleId, at) {
      const { rows } = await pool.query('SELECT 1 FROM oncall_handoffs WHERE tenant_id = $1 AND schedule_id = $2 AND handoff_at = $3', [tenantId, scheduleId, new Date(at)]);
      return rows.length > 0;
    },
    async listHandoffs(tenantId, scheduleId) {
      const { rows } = await pool.query<{ schedule_id: string; handoff_at: Date; from_user: string | null; to_user: string | null; pagerduty: string | null }>(
        'SELECT * FROM oncall_handoffs WHERE tenant_id = $1 AND schedule_id = $2 ORDER BY handoff_at',
        [tenantId, scheduleId],
      );
      return rows.map((r) => ({ scheduleId: r.schedule_id, at: r.handoff_at.getTime(), from: r.from_user, to: r.to_user, pagerduty: r.pagerduty }));
    },
  };
}
