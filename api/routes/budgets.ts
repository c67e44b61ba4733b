import { Router } from 'express';
import { z } from 'zod';
import type { BudgetStore, BudgetWithSpend } from '../../stores/budgets.ts';
import type { ApiKeyStore } from '../../stores/api-keys.ts';
import type { TenantStore } from '../../stores/tenants.ts';
import { notFound } from '../api-error.ts';
import { principalOf, requireAdmin } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';
import type { BudgetJson } from '../schemas/budgets.ts';
import { ID_PATTERN, requireTenant } from '../tenant-lookup.ts';

export const BudgetBodySchema = z
  .object({
    period: z.enum(['day', 'month']),
    limit_usd: z.number().min(0).max(1_000_000_000),
    on_exceed: z.enum(['reject', 'downgrade']).default('reject'),
    /** Omit for a tenant-wide budget. */
    api_key_id: z.string().regex(ID_PATTERN).optional(),
  })
  .strict();


const budgetJson = (b: BudgetWithSpend): BudgetJson => ({
  id: b.id,
  object: 'budget',
  tenant_id: b.tenantId,
  api_key_id: b.apiKeyId,
  period: b.period,
  limit_usd: b.limitUsd,
  on_exceed: b.onExceed,
  spent_usd: b.spentUsd,
  remaining_usd: Math.max(0, b.limitUsd - b.spentUsd),
  period_start: b.periodStart.toISOString(),
});

export function budgetsRouter(deps: { budgets: BudgetStore; tenants: TenantStore; keys: ApiKeyStore }): Router {
  const router = Router();

  router.get('/v1/budgets', async (req, res) => {
    const { tenantId } = principalOf(req);
    res.json({ object: 'list', data: (await deps.budgets.listWithSpend(tenantId)).map(budgetJson) });
  });

  router.put('/v1/admin/tenants/:tenantId/budgets', requireAdmin, async (req, res) => {
    const { id: tenantId } = await requireTenant(deps.tenants, req.params.tenantId);
    const body = parseInput(BudgetBodySchema, req.body);
    if (body.api_key_id) {
      const keys = await deps.keys.listForTenant(tenantId);
      if (!keys.some((k) => k.id === body.api_key_id)) throw notFound('api_key_not_found', `Tenant "${tenantId}" has no API key "${body.api_key_id}".`);
    }
    const saved = await deps.budgets.put({ tenantId, apiKeyId: body.api_key_id ?? null, period: body.period, limitUsd: body.limit_usd, onExceed: body.on_exceed });
    res.json(budgetJson((await deps.budgets.getWithSpend(tenantId, saved.id))!));
  });

  router.delete('/v1/admin/tenants/:tenantId/budgets/:budgetId', requireAdmin, async (req, res) => {
    const tenantId = String(req.params.tenantId);
    const budgetId = String(req.params.budgetId);
    if (!ID_PATTERN.test(tenantId) || !ID_PATTERN.test(budgetId) || !(await deps.budgets.remove(tenantId, budgetId))) {
      throw notFound('budget_not_found', `No budget "${budgetId}" for tenant "${tenantId}".`);
    }
    res.json({ id: budgetId, object: 'budget', deleted: true });
  });

  return router;
}
