import type pg from 'pg';
import type { AgentSpec } from '../core/agents/agent-definition.ts';
import { NotFoundError } from '../core/errors/domain-error.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

/** The label a run uses when it names neither a version nor a label, if the agent has it. */
export const DEFAULT_AGENT_LABEL = 'production';

export interface Agent {
  tenantId: string;
  name: string;
  description: string;
  latestVersion: number;
  /** label → version */
  labels: Record<string, number>;
  createdAt: Date;
  updatedAt: Date;
}

export interface AgentVersion {
  tenantId: string;
  name: string;
  version: number;
  spec: AgentSpec;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface AgentApprovalRow {
  tenantId: string;
  runId: string;
  callId: string;
  toolName: string;
  decision: 'approve' | 'edit' | 'reject';
  timedOut: boolean;
  approverKeyId: string | null;
  approverKeyName: string | null;
  reason: string | null;
  decidedAt: Date;
}

export class AgentNotFoundError extends NotFoundError {
  override readonly name = 'AgentNotFoundError';
  constructor(code: 'agent_not_found' | 'agent_version_not_found' | 'agent_label_not_found', message: string) {
    super(code, message);
  }
}

interface AgentRow {
  tenant_id: string;
  name: string;
  description: string;
  latest_version: number;
  labels: Record<string, number>;
  created_at: Date;
  updated_at: Date;
}

interface VersionRow {
  tenant_id: string;
  name: string;
  version: number;
  spec: AgentSpec;
  note: string | null;
  created_by: string | null;
  created_at: Date;
}

const AGENT_COLUMNS = `a.tenant_id, a.name, a.description, a.created_at, a.updated_at,
  (SELECT max(version) FROM agent_versions v WHERE v.tenant_id = a.tenant_id AND v.name = a.name) AS latest_version,
  COALESCE((SELECT jsonb_object_agg(l.label, l.version) FROM agent_labels l WHERE l.tenant_id = a.tenant_id AND l.name = a.name), '{}'::jsonb) AS labels`;

const toAgent = (row: AgentRow): Agent => ({
  tenantId: row.tenant_id,
  name: row.name,
  description: row.description,
  latestVersion: row.latest_version,
  labels: row.labels,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toVersion = (row: VersionRow): AgentVersion => ({
  tenantId: row.tenant_id,
  name: row.name,
  version: row.version,
  spec: row.spec,
  note: row.note,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

type Queryable = Pick<pg.PoolClient, 'query'>;

async function setLabel(db: Queryable, tenantId: string, name: string, label: string, version: number, actor: string): Promise<void> {
  await db.query(
    `INSERT INTO agent_labels (tenant_id, name, label, version, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, name, label) DO UPDATE SET version = EXCLUDED.version, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [tenantId, name, label, version, actor],
  );
}

export function createAgentStore(pool: Pool) {
  async function get(tenantId: string, name: string): Promise<Agent | undefined> {
    const { rows } = await pool.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents a WHERE a.tenant_id = $1 AND a.name = $2`, [tenantId, name]);
    return rows[0] ? toAgent(rows[0]) : undefined;
  }

  return {
    get,

    async list(tenantId: string, limit: number): Promise<Agent[]> {
      const { rows } = await pool.query<AgentRow>(`SELECT ${AGENT_COLUMNS} FROM agents a WHERE a.tenant_id = $1 ORDER BY a.name LIMIT $2`, [tenantId, limit]);
      return rows.map(toAgent);
    },

    /**
     * A new immutable version (1 for a new agent), and the labels moved to it, in one
     * transaction; the agent row is locked so two writers get consecutive numbers.
     */
    async createVersion(tenantId: string, input: { name: string; description?: string | undefined; spec: AgentSpec; note?: string | undefined; labels?: string[] | undefined; createdBy: string }): Promise<{ agent: Agent; version: AgentVersion }> {
      const version = await withTransaction(pool, async (db) => {
        await db.query(
          `INSERT INTO agents (tenant_id, name, description) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id, name) DO UPDATE SET updated_at = now(), description = COALESCE($4, agents.description)`,
          [tenantId, input.name, input.description ?? '', input.description ?? null],
        );
        await db.query('SELECT 1 FROM agents WHERE tenant_id = $1 AND name = $2 FOR UPDATE', [tenantId, input.name]);
        const { rows: max } = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM agent_versions WHERE tenant_id = $1 AND name = $2', [tenantId, input.name]);
        const next = (max[0]?.v ?? 0) + 1;
        const { rows } = await db.query<VersionRow>(
          `INSERT INTO agent_versions (tenant_id, name, version, spec, note, created_by) VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING tenant_id, name, version, spec, note, created_by, created_at`,
          [tenantId, input.name, next, JSON.stringify(input.spec), input.note ?? null, input.createdBy],
        );
        for (const label of input.labels ?? []) await setLabel(db, tenantId, input.name, label, next, input.createdBy);
        return toVersion(rows[0]!);
      });
      return { agent: (await get(tenantId, input.name))!, version };
    },

    /** A version by number, by label, or (neither) the `production` label when set, else the latest. */
    async getVersion(tenantId: string, name: string, selector: { version?: number | undefined; label?: string | undefined }): Promise<AgentVersion> {
      const agent = await get(tenantId, name);
      if (!agent) throw new AgentNotFoundError('agent_not_found', `No agent "${name}". GET /v1/agents lists them.`);
      let version = selector.version;
      if (version === undefined && selector.label !== undefined) {
        version = agent.labels[selector.label];
        if (version === undefined) throw new AgentNotFoundError('agent_label_not_found', `Agent "${name}" has no label "${selector.label}".`);
      }
      version ??= agent.labels[DEFAULT_AGENT_LABEL] ?? agent.latestVersion;
      const { rows } = await pool.query<VersionRow>(
        'SELECT tenant_id, name, version, spec, note, created_by, created_at FROM agent_versions WHERE tenant_id = $1 AND name = $2 AND version = $3',
        [tenantId, name, version],
      );
      if (!rows[0]) throw new AgentNotFoundError('agent_version_not_found', `Agent "${name}" has no version ${version}.`);
      return toVersion(rows[0]);
    },

    async listVersions(tenantId: string, name: string): Promise<AgentVersion[]> {
      const { rows } = await pool.query<VersionRow>(
        'SELECT tenant_id, name, version, spec, note, created_by, created_at FROM agent_versions WHERE tenant_id = $1 AND name = $2 ORDER BY version',
        [tenantId, name],
      );
      return rows.map(toVersion);
    },

    async moveLabel(tenantId: string, name: string, label: string, version: number, actor: string): Promise<Agent> {
      await withTransaction(pool, async (db) => {
        const { rowCount } = await db.query('SELECT 1 FROM agent_versions WHERE tenant_id = $1 AND name = $2 AND version = $3', [tenantId, name, version]);
        if (!rowCount) {
          const exists = await db.query('SELECT 1 FROM agents WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
          if (!exists.rowCount) throw new AgentNotFoundError('agent_not_found', `No agent "${name}".`);
          throw new AgentNotFoundError('agent_version_not_found', `Agent "${name}" has no version ${version}.`);
        }
        await setLabel(db, tenantId, name, label, version, actor);
      });
      return (await get(tenantId, name))!;
    },

    async deleteLabel(tenantId: string, name: string, label: string): Promise<boolean> {
      const { rowCount } = await pool.query('DELETE FROM agent_labels WHERE tenant_id = $1 AND name = $2 AND label = $3', [tenantId, name, label]);
      return (rowCount ?? 0) > 0;
    },

    /** Records a decision once: a retried activity writes nothing twice, and a later decision never overwrites. */
    async recordApproval(row: Omit<AgentApprovalRow, 'decidedAt'>): Promise<void> {
      await pool.query(
        `INSERT INTO agent_approvals (tenant_id, run_id, call_id, tool_name, decision, timed_out, approver_key_id, approver_key_name, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [row.tenantId, row.runId, row.callId, row.toolName, row.decision, row.timedOut, row.approverKeyId, row.approverKeyName, row.reason],
      );
    },

    async approvals(tenantId: string, runId: string): Promise<AgentApprovalRow[]> {
      const { rows } = await pool.query<{
        tenant_id: string; run_id: string; call_id: string; tool_name: string; decision: AgentApprovalRow['decision']; timed_out: boolean;
        approver_key_id: string | null; approver_key_name: string | null; reason: string | null; decided_at: Date;
      }>('SELECT * FROM agent_approvals WHERE tenant_id = $1 AND run_id = $2 ORDER BY decided_at', [tenantId, runId]);
      return rows.map((r) => ({
        tenantId: r.tenant_id, runId: r.run_id, callId: r.call_id, toolName: r.tool_name, decision: r.decision, timedOut: r.timed_out,
        approverKeyId: r.approver_key_id, approverKeyName: r.approver_key_name, reason: r.reason, decidedAt: r.decided_at,
      }));
    },
  };
}

export type AgentStore = ReturnType<typeof createAgentStore>;
