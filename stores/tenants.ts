import { newId } from '../platform/ids.ts';
import type { Pool } from '../platform/db/pool.ts';

export interface Tenant {
  id: string;
  name: string;
  createdAt: Date;
}

interface TenantRow {
  id: string;
  name: string;
  created_at: Date;
}

const toTenant = (row: TenantRow): Tenant => ({ id: row.id, name: row.name, createdAt: row.created_at });

export function createTenantStore(pool: Pool) {
  return {
    async create(name: string, id = newId('ten', 8)): Promise<Tenant> {
      const { rows } = await pool.query<TenantRow>(
        'INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING id, name, created_at',
        [id, name],
      );
      return toTenant(rows[0]!);
    },

    /** Creates the tenant when missing; used for the built-in `default` tenant. */
    async ensure(id: string, name: string): Promise<Tenant> {
      const { rows } = await pool.query<TenantRow>(
        `INSERT INTO tenants (id, name) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET name = tenants.name RETURNING id, name, created_at`,
        [id, name],
      );
      return toTenant(rows[0]!);
    },

    async get(id: string): Promise<Tenant | undefined> {
      const { rows } = await pool.query<TenantRow>('SELECT id, name, created_at FROM tenants WHERE id = $1', [id]);
      return rows[0] ? toTenant(rows[0]) : undefined;
    },

    async list(): Promise<Tenant[]> {
      const { rows } = await pool.query<TenantRow>('SELECT id, name, created_at FROM tenants ORDER BY created_at');
      return rows.map(toTenant);
    },
  };
}

export type TenantStore = ReturnType<typeof createTenantStore>;
