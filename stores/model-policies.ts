import type { ModelPolicySpec } from '../core/policies/model-policy.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

export interface ModelPolicy {
  tenantId: string;
  name: string;
  spec: ModelPolicySpec;
  isDefault: boolean;
  updatedAt: Date;
}

interface PolicyRow {
  tenant_id: string;
  name: string;
  spec: ModelPolicySpec;
  is_default: boolean;
  updated_at: Date;
}

const toPolicy = (r: PolicyRow): ModelPolicy => ({ tenantId: r.tenant_id, name: r.name, spec: r.spec, isDefault: r.is_default, updatedAt: r.updated_at });
const COLUMNS = 'tenant_id, name, spec, is_default, updated_at';

export interface ModelPolicyStore {
  put(tenantId: string, name: string, spec: ModelPolicySpec, isDefault: boolean): Promise<ModelPolicy>;
  get(tenantId: string, name: string): Promise<ModelPolicy | undefined>;
  getDefault(tenantId: string): Promise<ModelPolicy | undefined>;
  list(tenantId: string): Promise<ModelPolicy[]>;
  delete(tenantId: string, name: string): Promise<boolean>;
}

export function createModelPolicyStore(pool: Pool): ModelPolicyStore {
  return {
    put(tenantId, name, spec, isDefault) {
      return withTransaction(pool, async (client) => {
        // Becoming the default takes it from the previous one in the same transaction.
        if (isDefault) await client.query('UPDATE model_policies SET is_default = false WHERE tenant_id = $1 AND is_default AND name <> $2', [tenantId, name]);
        const { rows } = await client.query<PolicyRow>(
          `INSERT INTO model_policies (tenant_id, name, spec, is_default) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, name) DO UPDATE SET spec = EXCLUDED.spec, is_default = EXCLUDED.is_default, updated_at = now()
           RETURNING ${COLUMNS}`,
          [tenantId, name, JSON.stringify(spec), isDefault],
        );
        return toPolicy(rows[0]!);
      });
    },
    async get(tenantId, name) {
      const { rows } = await pool.query<PolicyRow>(`SELECT ${COLUMNS} FROM model_policies WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
      return rows[0] && toPolicy(rows[0]);
    },
    async getDefault(tenantId) {
      const { rows } = await pool.query<PolicyRow>(`SELECT ${COLUMNS} FROM model_policies WHERE tenant_id = $1 AND is_default`, [tenantId]);
      return rows[0] && toPolicy(rows[0]);
    },
    async list(tenantId) {
      const { rows } = await pool.query<PolicyRow>(`SELECT ${COLUMNS} FROM model_policies WHERE tenant_id = $1 ORDER BY name`, [tenantId]);
      return rows.map(toPolicy);
    },
    async delete(tenantId, name) {
      const result = await pool.query('DELETE FROM model_policies WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
      return result.rowCount === 1;
    },
  };
}
