/**
 * The per-tenant tool registry: immutable versions, numbered from 1, plus labels that point at
 * one version each. Writing a spec equal to the latest version's creates nothing new (a capsule
 * reinstalled, a CLI `create` run twice), so version numbers count real changes.
 */
import type { ToolSpec } from '../core/tools/tool-spec.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

export interface ToolVersion {
  tenantId: string;
  name: string;
  version: number;
  spec: ToolSpec;
  /** The labels pointing at this version. */
  labels: string[];
  /** The capsule that installed it (`name@version`), null for tools written through the API. */
  source: string | null;
  createdAt: Date;
}

/** Which version: the latest (neither), a number, or a label. */
export interface ToolSelector {
  version?: number;
  label?: string;
}

export interface ToolStore {
  /** A new version (or the latest, unchanged), with `labels` moved onto it. */
  create(tenantId: string, name: string, spec: ToolSpec, options?: { labels?: readonly string[]; source?: string }): Promise<ToolVersion & { created: boolean }>;
  get(tenantId: string, name: string, selector?: ToolSelector): Promise<ToolVersion | undefined>;
  versions(tenantId: string, name: string): Promise<ToolVersion[]>;
  /** The latest version of every tool of the tenant, by name. */
  list(tenantId: string): Promise<ToolVersion[]>;
  /** Every version and label of the tool. */
  delete(tenantId: string, name: string): Promise<boolean>;
}

interface Row {
  tenant_id: string;
  name: string;
  version: number;
  spec: ToolSpec;
  labels: string[] | null;
  source: string | null;
  created_at: Date;
}

const toVersion = (r: Row): ToolVersion => ({ tenantId: r.tenant_id, name: r.name, version: r.version, spec: r.spec, labels: r.labels ?? [], source: r.source, createdAt: r.created_at });

const SELECT = `SELECT v.tenant_id, v.name, v.version, v.spec, v.source, v.created_at,
  (SELECT array_agg(l.label ORDER BY l.label) FROM tool_labels l WHERE l.tenant_id = v.tenant_id AND l.name = v.name AND l.version = v.version) AS labels
  FROM tool_versions v`;

export function createToolStore(pool: Pool): ToolStore {
  return {
    create(tenantId, name, spec, options = {}) {
      return withTransaction(pool, async (db) => {
        // One writer per tool at a time: version numbers are max + 1.
        await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tool:${tenantId}:${name}`]);
        const { rows: latest } = await db.query<{ version: number; same: boolean }>(
          'SELECT version, spec = $3::jsonb AND source IS NOT DISTINCT FROM $4 AS same FROM tool_versions WHERE tenant_id = $1 AND name = $2 ORDER BY version DESC LIMIT 1',
          [tenantId, name, JSON.stringify(spec), options.source ?? null],
        );
        let version: number;
        let created = false;
        if (latest[0]?.same) {
          version = latest[0].version;
        } else {
          version = (latest[0]?.version ?? 0) + 1;
          created = true;
          await db.query('INSERT INTO tool_versions (tenant_id, name, version, spec, source) VALUES ($1, $2, $3, $4, $5)', [tenantId, name, version, JSON.stringify(spec), options.source ?? null]);
        }
        for (const label of options.labels ?? []) {
          await db.query(
            `INSERT INTO tool_labels (tenant_id, name, label, version) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, name, label) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
            [tenantId, name, label, version],
          );
        }
        const { rows } = await db.query<Row>(`${SELECT} WHERE v.tenant_id = $1 AND v.name = $2 AND v.version = $3`, [tenantId, name, version]);
        return { ...toVersion(rows[0]!), created };
      });
    },
    async get(tenantId, name, selector = {}) {
      let rows: Row[];
      if (selector.version !== undefined) {
        ({ rows } = await pool.query<Row>(`${SELECT} WHERE v.tenant_id = $1 AND v.name = $2 AND v.version = $3`, [tenantId, name, selector.version]));
      } else if (selector.label !== undefined) {
        ({ rows } = await pool.query<Row>(
          `${SELECT} JOIN tool_labels t ON t.tenant_id = v.tenant_id AND t.name = v.name AND t.version = v.version WHERE v.tenant_id = $1 AND v.name = $2 AND t.label = $3`,
          [tenantId, name, selector.label],
        ));
      } else {
        ({ rows } = await pool.query<Row>(`${SELECT} WHERE v.tenant_id = $1 AND v.name = $2 ORDER BY v.version DESC LIMIT 1`, [tenantId, name]));
      }
      return rows[0] && toVersion(rows[0]);
    },
    async versions(tenantId, name) {
      const { rows } = await pool.query<Row>(`${SELECT} WHERE v.tenant_id = $1 AND v.name = $2 ORDER BY v.version DESC`, [tenantId, name]);
      return rows.map(toVersion);
    },
    async list(tenantId) {
      const { rows } = await pool.query<Row>(
        `${SELECT} WHERE v.tenant_id = $1 AND v.version = (SELECT max(m.version) FROM tool_versions m WHERE m.tenant_id = v.tenant_id AND m.name = v.name) ORDER BY v.name`,
        [tenantId],
      );
      return rows.map(toVersion);
    },
    async delete(tenantId, name) {
      return withTransaction(pool, async (db) => {
        await db.query('DELETE FROM tool_labels WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
        const result = await db.query('DELETE FROM tool_versions WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
        return (result.rowCount ?? 0) > 0;
      });
    },
  };
}
