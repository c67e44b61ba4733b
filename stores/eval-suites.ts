import { createHash } from 'node:crypto';
import type { Pool } from '../platform/db/pool.ts';
import type { CreateSuiteVersion, EvalCase, EvalSuiteVersion, Grader } from '../core/evals/eval-types.ts';

/**
 * Eval suites as immutable versions with movable labels (the prompt-template model): a run
 * names (name, version), so its figures can always be reproduced and compared.
 */
export interface EvalSuiteStore {
  /** Appends the next version; identical content to the latest version returns that version instead. */
  createVersion(tenantId: string, body: CreateSuiteVersion): Promise<{ suite: EvalSuiteVersion; created: boolean }>;
  /** A version by number, by label, or the latest. Null when the tenant has no such suite. */
  get(tenantId: string, name: string, selector?: { version?: number; label?: string }): Promise<EvalSuiteVersion | null>;
  /** Every suite of the tenant, latest version each (without cases). */
  list(tenantId: string): Promise<Array<{ name: string; latestVersion: number; caseCount: number; labels: Record<string, number>; updatedAt: string }>>;
  setLabel(tenantId: string, name: string, label: string, version: number): Promise<boolean>;
}

interface Row {
  tenant_id: string;
  name: string;
  version: number;
  description: string | null;
  graders: Grader[];
  cases: Array<EvalCase & { id: string }>;
  content_hash: string;
  created_at: Date;
  labels: string[] | null;
}

const toSuite = (r: Row): EvalSuiteVersion => ({
  tenantId: r.tenant_id,
  name: r.name,
  version: r.version,
  description: r.description,
  graders: r.graders,
  cases: r.cases,
  contentHash: r.content_hash,
  labels: r.labels ?? [],
  createdAt: r.created_at.toISOString(),
});

/** Case ids default to their 1-based position, so per-case results line up across versions that only append. */
function withIds(cases: EvalCase[]): Array<EvalCase & { id: string }> {
  const seen = new Set<string>();
  return cases.map((c, i) => {
    const id = c.id ?? `case-${i + 1}`;
    if (seen.has(id)) throw new RangeError(`duplicate case id ${id}`);
    seen.add(id);
    return { ...c, id };
  });
}

const SELECT = `SELECT v.*, (SELECT array_agg(l.label ORDER BY l.label) FROM eval_suite_labels l
                 WHERE l.tenant_id = v.tenant_id AND l.name = v.name AND l.version = v.version) AS labels
                FROM eval_suite_versions v`;

export function createEvalSuiteStore(pool: Pool): EvalSuiteStore {
  const store: EvalSuiteStore = {
    async createVersion(tenantId, body) {
      const cases = withIds(body.cases);
      const contentHash = createHash('sha256').update(JSON.stringify({ description: body.description ?? null, graders: body.graders, cases })).digest('hex');
      const latest = await store.get(tenantId, body.name);
      if (latest && latest.contentHash === contentHash) {
        for (const label of body.labels ?? []) await store.setLabel(tenantId, body.name, label, latest.version);
        return { suite: (await store.get(tenantId, body.name, { version: latest.version }))!, created: false };
      }
      // Two creators racing for the same number: the loser's insert conflicts and takes the next one.
      for (let tries = 0; ; tries += 1) {
        try {
          const { rows } = await pool.query<{ version: number }>(
            `INSERT INTO eval_suite_versions (tenant_id, name, version, description, graders, cases, case_count, content_hash)
             SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6, $7 FROM eval_suite_versions WHERE tenant_id = $1 AND name = $2
             RETURNING version`,
            [tenantId, body.name, body.description ?? null, JSON.stringify(body.graders), JSON.stringify(cases), cases.length, contentHash],
          );
          const version = rows[0]!.version;
          for (const label of body.labels ?? []) await store.setLabel(tenantId, body.name, label, version);
          return { suite: (await store.get(tenantId, body.name, { version }))!, created: true };
        } catch (error) {
          if ((error as { code?: string }).code !== '23505' || tries >= 5) throw error;
        }
      }
    },
    async get(tenantId, name, selector = {}) {
      let rows: Row[];
      if (selector.version !== undefined) {
        ({ rows } = await pool.query<Row>(`${SELECT} WHERE v.tenant_id = $1 AND v.name = $2 AND v.version = $3`, [tenantId, name, selector.version]));
      } else if (selector.label !== undefined) {
        ({ rows } = await pool.query<Row>(
          `${SELECT} JOIN eval_suite_labels sl ON sl.tenant_id = v.tenant_id AND sl.name = v.name AND sl.version = v.version
           WHERE v.tenant_id = $1 AND v.name = $2 AND sl.label = $3`,
          [tenantId, name, selector.label],
        ));
      } else {
        ({ rows } = await pool.query<Row>(`${SELECT} WHERE v.tenant_id = $1 AND v.name = $2 ORDER BY v.version DESC LIMIT 1`, [tenantId, name]));
      }
      return rows[0] ? toSuite(rows[0]) : null;
    },
    async list(tenantId) {
      const { rows } = await pool.query<{ name: string; version: number; case_count: number; created_at: Date; labels: Record<string, number> | null }>(
        `SELECT DISTINCT ON (v.name) v.name, v.version, v.case_count, v.created_at,
                (SELECT jsonb_object_agg(l.label, l.version) FROM eval_suite_labels l WHERE l.tenant_id = v.tenant_id AND l.name = v.name) AS labels
         FROM eval_suite_versions v WHERE v.tenant_id = $1 ORDER BY v.name, v.version DESC`,
        [tenantId],
      );
      return rows.map((r) => ({ name: r.name, latestVersion: r.version, caseCount: r.case_count, labels: r.labels ?? {}, updatedAt: r.created_at.toISOString() }));
    },
    async setLabel(tenantId, name, label, version) {
      const { rowCount } = await pool.query(
        `INSERT INTO eval_suite_labels (tenant_id, name, label, version)
         SELECT tenant_id, name, $3, version FROM eval_suite_versions WHERE tenant_id = $1 AND name = $2 AND version = $4
         ON CONFLICT (tenant_id, name, label) DO UPDATE SET version = EXCLUDED.version, moved_at = now()`,
        [tenantId, name, label, version],
      );
      return (rowCount ?? 0) > 0;
    },
  };
  return store;
}
