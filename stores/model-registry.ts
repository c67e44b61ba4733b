import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CatalogueSchema, ModelSpecSchema, type Catalogue, type ModelSpec } from '../core/routing/model-spec.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

export const CATALOGUE_PATH = fileURLToPath(new URL('../infra/models/catalogue.json', import.meta.url));

export interface RegisteredModel extends ModelSpec {
  source: 'catalogue' | 'admin';
  updatedAt: Date;
}

export async function readCatalogue(path = CATALOGUE_PATH): Promise<Catalogue> {
  return CatalogueSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

interface ModelRow {
  spec: unknown;
  enabled: boolean;
  source: 'catalogue' | 'admin';
  updated_at: Date;
}

const toModel = (row: ModelRow): RegisteredModel => ({
  ...ModelSpecSchema.parse(row.spec),
  enabled: row.enabled,
  source: row.source,
  updatedAt: row.updated_at,
});

const BUMP = 'UPDATE model_registry_version SET version = version + 1';

export function createModelRegistryStore(pool: Pool) {
  return {
    /**
     * Inserts catalogue models and updates those still owned by an older catalogue; leaves
     * admin-edited rows alone. Returns how many rows changed.
     */
    async seed(catalogue: Catalogue): Promise<number> {
      const { rowCount } = await pool.query(
        `INSERT INTO models (id, spec, enabled, source, catalogue_version)
         SELECT m->>'id', m, COALESCE((m->>'enabled')::boolean, true), 'catalogue', $2
         FROM jsonb_array_elements($1::jsonb) AS m
         ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, enabled = excluded.enabled,
           catalogue_version = excluded.catalogue_version, updated_at = now()
         WHERE models.source = 'catalogue' AND models.catalogue_version < excluded.catalogue_version`,
        [JSON.stringify(catalogue.models), catalogue.version],
      );
      if (rowCount) await pool.query(BUMP);
      return rowCount ?? 0;
    },

    async list(): Promise<RegisteredModel[]> {
      const { rows } = await pool.query<ModelRow>('SELECT spec, enabled, source, updated_at FROM models ORDER BY id');
      return rows.map(toModel);
    },

    async version(): Promise<number> {
      const { rows } = await pool.query<{ version: string }>('SELECT version FROM model_registry_version');
      return Number(rows[0]?.version ?? 0);
    },

    /** Admin create-or-replace; the row becomes admin-owned so seeds never undo it. */
    async put(spec: ModelSpec): Promise<RegisteredModel> {
      return withTransaction(pool, async (client) => {
        const { rows } = await client.query<ModelRow>(
          `INSERT INTO models (id, spec, enabled, source) VALUES ($1, $2, $3, 'admin')
           ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, enabled = excluded.enabled, source = 'admin', updated_at = now()
           RETURNING spec, enabled, source, updated_at`,
          [spec.id, JSON.stringify(spec), spec.enabled],
        );
        await client.query(BUMP);
        return toModel(rows[0]!);
      });
    },

    /** Disables a model (kept for history: past runs name it). Undefined when unknown. */
    async disable(id: string): Promise<RegisteredModel | undefined> {
      const { rows } = await pool.query<ModelRow>(
        `UPDATE models SET enabled = false, source = 'admin', spec = jsonb_set(spec, '{enabled}', 'false'), updated_at = now()
         WHERE id = $1 RETURNING spec, enabled, source, updated_at`,
        [id],
      );
      if (rows[0]) await pool.query(BUMP);
      return rows[0] ? toModel(rows[0]) : undefined;
    },
  };
}

export type ModelRegistryStore = ReturnType<typeof createModelRegistryStore>;
