import type { CapsuleManifest } from '../core/capsules/capsule-manifest.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

export interface CapsuleVersion {
  name: string;
  version: string;
  publisherTenantId: string;
  description: string;
  manifest: CapsuleManifest;
  contentHash: string;
  createdAt: Date;
}

export interface CapsuleSummary {
  name: string;
  description: string;
  latestVersion: string;
  /** Newest first. */
  versions: string[];
  publisherTenantId: string;
}

export interface CapsuleInstall {
  name: string;
  version: string;
  installedAt: Date;
}

export type PublishOutcome = 'created' | 'unchanged' | 'version_exists' | 'name_taken';

interface VersionRow {
  name: string;
  version: string;
  publisher_tenant_id: string;
  description: string;
  manifest: CapsuleManifest;
  content_hash: string;
  created_at: Date;
}

const toVersion = (r: VersionRow): CapsuleVersion => ({
  name: r.name,
  version: r.version,
  publisherTenantId: r.publisher_tenant_id,
  description: r.description,
  manifest: r.manifest,
  contentHash: r.content_hash,
  createdAt: r.created_at,
});
const COLUMNS = 'name, version, publisher_tenant_id, description, manifest, content_hash, created_at';
// Byte order, whatever the database's collation: the sort key is built for it.
const NEWEST_FIRST = 'sort_key COLLATE "C" DESC';

export interface CapsuleStore {
  publish(tenantId: string, manifest: CapsuleManifest, contentHash: string, sortKey: string): Promise<{ outcome: PublishOutcome; version?: CapsuleVersion }>;
  list(): Promise<CapsuleSummary[]>;
  get(name: string): Promise<CapsuleSummary | undefined>;
  /** A version, or the newest one. */
  getVersion(name: string, version?: string): Promise<CapsuleVersion | undefined>;
  recordInstall(tenantId: string, name: string, version: string): Promise<CapsuleInstall>;
  listInstalls(tenantId: string): Promise<CapsuleInstall[]>;
}

export function createCapsuleStore(pool: Pool): CapsuleStore {
  const summaries = async (name?: string): Promise<CapsuleSummary[]> => {
    const { rows } = await pool.query<{ name: string; description: string; publisher_tenant_id: string; versions: string[] }>(
      `SELECT name,
              (array_agg(description ORDER BY ${NEWEST_FIRST}))[1] AS description,
              min(publisher_tenant_id) AS publisher_tenant_id,
              array_agg(version ORDER BY ${NEWEST_FIRST}) AS versions
         FROM capsules ${name === undefined ? '' : 'WHERE name = $1'}
        GROUP BY name ORDER BY name`,
      name === undefined ? [] : [name],
    );
    return rows.map((r) => ({ name: r.name, description: r.description, latestVersion: r.versions[0]!, versions: r.versions, publisherTenantId: r.publisher_tenant_id }));
  };

  return {
    publish(tenantId, manifest, contentHash, sortKey) {
      return withTransaction(pool, async (db) => {
        // Serialises publishers of one name, so ownership and versions are checked race-free.
        await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`capsule:${manifest.name}`]);
        const owner = await db.query<{ publisher_tenant_id: string }>('SELECT publisher_tenant_id FROM capsules WHERE name = $1 LIMIT 1', [manifest.name]);
        if (owner.rows[0] && owner.rows[0].publisher_tenant_id !== tenantId) return { outcome: 'name_taken' as const };
        const existing = await db.query<VersionRow>(`SELECT ${COLUMNS} FROM capsules WHERE name = $1 AND version = $2`, [manifest.name, manifest.version]);
        if (existing.rows[0]) {
          const version = toVersion(existing.rows[0]);
          return { outcome: version.contentHash === contentHash ? ('unchanged' as const) : ('version_exists' as const), version };
        }
        const { rows } = await db.query<VersionRow>(
          `INSERT INTO capsules (name, version, publisher_tenant_id, description, manifest, content_hash, sort_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
          [manifest.name, manifest.version, tenantId, manifest.description, JSON.stringify(manifest), contentHash, sortKey],
        );
        return { outcome: 'created' as const, version: toVersion(rows[0]!) };
      });
    },

    list: () => summaries(),
    async get(name) {
      return (await summaries(name))[0];
    },

    async getVersion(name, version) {
      const { rows } =
        version === undefined
          ? await pool.query<VersionRow>(`SELECT ${COLUMNS} FROM capsules WHERE name = $1 ORDER BY ${NEWEST_FIRST} LIMIT 1`, [name])
          : await pool.query<VersionRow>(`SELECT ${COLUMNS} FROM capsules WHERE name = $1 AND version = $2`, [name, version]);
      return rows[0] && toVersion(rows[0]);
    },

    async recordInstall(tenantId, name, version) {
      const { rows } = await pool.query<{ name: string; version: string; installed_at: Date }>(
        `INSERT INTO capsule_installs (tenant_id, name, version) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, name) DO UPDATE SET version = EXCLUDED.version, installed_at = now()
         RETURNING name, version, installed_at`,
        [tenantId, name, version],
      );
      return { name: rows[0]!.name, version: rows[0]!.version, installedAt: rows[0]!.installed_at };
    },

    async listInstalls(tenantId) {
      const { rows } = await pool.query<{ name: string; version: string; installed_at: Date }>('SELECT name, version, installed_at FROM capsule_installs WHERE tenant_id = $1 ORDER BY name', [tenantId]);
      return rows.map((r) => ({ name: r.name, version: r.version, installedAt: r.installed_at }));
    },
  };
}
