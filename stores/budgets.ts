import { newId } from '../platform/ids.ts';
import type { Pool } from '../platform/db/pool.ts';

export type BudgetPeriod = 'day' | 'month';
export type OnExceed = 'reject' | 'downgrade';

export interface Budget {
  id: string;
  tenantId: string;
  /** Null: the whole tenant. */
  apiKeyId: string | null;
  period: BudgetPeriod;
  limitUsd: number;
  onExceed: OnExceed;
}

export interface BudgetWithSpend extends Budget {
  /** Spent in the current UTC day or month, at registry prices. */
  spentUsd: number;
  periodStart: Date;
}

interface BudgetRow {
  id: string;
  tenant_id: string;
  api_key_id: string | null;
  period: BudgetPeriod;
  limit_usd: number;
  on_exceed: OnExceed;
}

const toBudget = (r: BudgetRow): Budget => ({
  id: r.id,
  tenantId: r.tenant_id,
  apiKeyId: r.api_key_id,
  period: r.period,
  limitUsd: r.limit_usd,
  onExceed: r.on_exceed,
});

export function createBudgetStore(pool: Pool) {
  /** Budgets matching `where` (over alias b), each with its spend in the current UTC period. */
  async function withSpend(where: string, params: unknown[]): Promise<BudgetWithSpend[]> {
    const { rows } = await pool.query<BudgetRow & { spent_usd: number; period_start: Date }>(
      `SELECT b.id, b.tenant_id, b.api_key_id, b.period, b.limit_usd, b.on_exceed, s.period_start,
         (SELECT COALESCE(sum(c.cost_usd), 0) FROM completions c
           WHERE c.tenant_id = b.tenant_id AND c.created_at >= s.period_start
             AND (b.api_key_id IS NULL OR c.api_key_id = b.api_key_id))::double precision AS spent_usd
       FROM budgets b
       CROSS JOIN LATERAL (SELECT (date_trunc(b.period, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS period_start) s
       WHERE ${where}
       ORDER BY b.api_key_id NULLS FIRST, b.period`,
      params,
    );
    return rows.map((r) => ({ ...toBudget(r), spentUsd: r.spent_usd, periodStart: r.period_start }));
  }

  return {
    /** Creates or replaces the budget for (tenant, key, period). */
    async put(input: Omit<Budget, 'id'>): Promise<Budget> {
      const { rows } = await pool.query<BudgetRow>(
        `INSERT INTO budgets (id, tenant_id, api_key_id, period, limit_usd, on_exceed) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, api_key_id, period) DO UPDATE SET limit_usd = excluded.limit_usd, on_exceed = excluded.on_exceed, updated_at = now()
         RETURNING id, tenant_id, api_key_id, period, limit_usd, on_exceed`,
        [newId('bud', 8), input.tenantId, input.apiKeyId, input.period, input.limitUsd, input.onExceed],
      );
      return toBudget(rows[0]!);
    },

    async remove(tenantId: string, id: string): Promise<boolean> {
      const { rowCount } = await pool.query('DELETE FROM budgets WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return (rowCount ?? 0) > 0;
    },

    /**
     * The budgets that apply to a request by this key (the tenant's and the key's own), each
     * with what was spent in its current period. One query: it runs on the request path.
     */
    applicable(tenantId: string, apiKeyId: string | null): Promise<BudgetWithSpend[]> {
      return withSpend('b.tenant_id = $1 AND (b.api_key_id IS NULL OR b.api_key_id = $2)', [tenantId, apiKeyId]);
    },

    /** Every budget of the tenant with its spend (for GET /v1/budgets). */
    listWithSpend(tenantId: string): Promise<BudgetWithSpend[]> {
      return withSpend('b.tenant_id = $1', [tenantId]);
    },

    async getWithSpend(tenantId: string, id: string): Promise<BudgetWithSpend | undefined> {
      return (await withSpend('b.tenant_id = $1 AND b.id = $2', [tenantId, id]))[0];
    },
  };
}

export type BudgetStore = ReturnType<typeof createBudgetStore>;
