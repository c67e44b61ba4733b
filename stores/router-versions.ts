import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

export type RouterVersionStatus = 'candidate' | 'active' | 'retired';

/**
 * A trained router a tenant registered. The artefact stays on the operator's disk (it embeds its
 * training prompts); the row records where, what it was trained on and how it measured.
 */
export interface RouterVersion {
  tenantId: string;
  version: string;
  kind: string;
  artefactPath: string;
  metrics: Record<string, unknown>;
  trainedOn: Record<string, unknown>;
  status: RouterVersionStatus;
  promotedBy: string | null;
  promotedAt: Date | null;
  createdAt: Date;
}

export interface RouterVersionStore {
  register(v: Pick<RouterVersion, 'tenantId' | 'version' | 'kind' | 'artefactPath' | 'metrics' | 'trainedOn'>): Promise<RouterVersion>;
  list(tenantId: string): Promise<RouterVersion[]>;
  get(tenantId: string, version: string): Promise<RouterVersion | undefined>;
  active(tenantId: string): Promise<RouterVersion | undefined>;
  /** Makes `version` the active one and retires the previous, in one transaction. */
  promote(tenantId: string, version: string, promotedBy: string): Promise<RouterVersion | undefined>;
}

interface Row {
  tenant_id: string;
  version: string;
  kind: string;
  artefact_path: string;
  metrics: Record<string, unknown>;
  trained_on: Record<string, unknown>;
  status: RouterVersionStatus;
  promoted_by: string | null;
  promoted_at: Date | null;
  created_at: Date;
}

const toVersion = (r: Row): RouterVersion => ({
  tenantId: r.tenant_id,
  version: r.version,
  kind: r.kind,
  artefactPath: r.artefact_path,
  metrics: r.metrics,
  trainedOn: r.trained_on,
  status: r.status,
  promotedBy: r.promoted_by,
  promotedAt: r.promoted_at,
  createdAt: r.created_at,
});

export function createRouterVersionStore(pool: Pool): RouterVersionStore {
  return {
    async register(v) {
      const { rows } = await pool.query<Row>(
        `INSERT INTO router_versions (tenant_id, version, kind, artefact_path, metrics, trained_on) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, version) DO UPDATE SET kind = EXCLUDED.kind, artefact_path = EXCLUDED.artefact_path,
           metrics = EXCLUDED.metrics, trained_on = EXCLUDED.trained_on
         RETURNING *`,
        [v.tenantId, v.version, v.kind, v.artefactPath, JSON.stringify(v.metrics), JSON.stringify(v.trainedOn)],
      );
      return toVersion(rows[0]!);
    },
    async list(tenantId) {
      const { rows } = await pool.query<Row>('SELECT * FROM router_versions WHERE tenant_id = $1 ORDER BY created_at DESC, version DESC', [tenantId]);
      return rows.map(toVersion);
    },
    async get(tenantId, version) {
      const { rows } = await pool.query<Row>('SELECT * FROM router_versions WHERE tenant_id = $1 AND version = $2', [tenantId, version]);
      return rows[0] && toVersion(rows[0]);
    },
    async active(tenantId) {
      const { rows } = await pool.query<Row>(`SELECT * FROM router_versions WHERE tenant_id = $1 AND status = 'active'`, [tenantId]);
      return rows[0] && toVersion(rows[0]);
    },
    promote(tenantId, version, promotedBy) {
      return withTransaction(pool, async (client) => {
        const { rows: found } = await client.query<Row>('SELECT * FROM router_versions WHERE tenant_id = $1 AND version = $2 FOR UPDATE', [tenantId, version]);
        if (!found[0]) return undefined;
        await client.query(`UPDATE router_versions SET status = 'retired' WHERE tenant_id = $1 AND status = 'active' AND version <> $2`, [tenantId, version]);
        const { rows } = await client.query<Row>(
          `UPDATE router_versions SET status = 'active', promoted_by = $3, promoted_at = now() WHERE tenant_id = $1 AND version = $2 RETURNING *`,
          [tenantId, version, promotedBy],
        );
        return toVersion(rows[0]!);
      });
    },
  };
}
