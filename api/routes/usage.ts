import { Router, type Request } from 'express';
import { z } from 'zod';
import type { MetricsQueries } from '../../stores/metrics/metrics-queries.ts';
import { ApiError } from '../api-error.ts';
import { principalOf } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';
import { ID_PATTERN } from '../tenant-lookup.ts';

const MAX_WINDOW_MS = 92 * 24 * 3600 * 1000;
const WINDOW = /^(\d{1,4})(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const UsageQuerySchema = z
  .object({
    /** A trailing window such as `1h`, `24h` or `7d` (default 24h); or `from`/`to`. */
    window: z.string().regex(WINDOW, 'use e.g. 15m, 24h or 7d').optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    model: z.string().min(1).max(200).optional(),
    simulated: z.enum(['true', 'false']).optional(),
    /** Admins may look at another tenant. */
    tenant_id: z.string().regex(ID_PATTERN).optional(),
  })
  .strict();

type UsageQuery = z.infer<typeof UsageQuerySchema>;

function windowOf(q: UsageQuery): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date();
  let from: Date;
  if (q.from) from = new Date(q.from);
  else {
    const [, n, unit] = WINDOW.exec(q.window ?? '24h')!;
    from = new Date(to.getTime() - Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  }
  if (from >= to) throw new ApiError(400, 'invalid_request_error', 'invalid_window', '"from" must be before "to".');
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) throw new ApiError(400, 'invalid_request_error', 'invalid_window', 'The window may span at most 92 days.');
  return { from, to };
}

function tenantOf(req: Request, q: UsageQuery): string {
  const principal = principalOf(req);
  if (q.tenant_id && q.tenant_id !== principal.tenantId && !principal.isAdmin) {
    throw new ApiError(403, 'permission_error', 'admin_required', 'Only an admin key can read another tenant’s usage.');
  }
  return q.tenant_id ?? principal.tenantId;
}

/** Per-model performance and per-tenant cost, from the model metrics (ClickHouse or Postgres). */
export function usageRouter(queries: MetricsQueries): Router {
  const router = Router();

  router.get('/v1/usage/models', async (req, res) => {
    const q = parseInput(UsageQuerySchema, req.query, 'query string');
    const { from, to } = windowOf(q);
    const stats = await queries.modelStats({
      from,
      to,
      tenantId: tenantOf(req, q),
      ...(q.model && { model: q.model }),
      ...(q.simulated && { simulated: q.simulated === 'true' }),
    });
    res.json({
      object: 'list',
      from: from.toISOString(),
      to: to.toISOString(),
      data: stats.map((s) => ({
        model: s.model,
        provider: s.provider,
        attempts: s.attempts,
        errors: s.errors,
        error_rate: s.errorRate,
        latency_p50_ms: s.latencyP50Ms,
        latency_p95_ms: s.latencyP95Ms,
        ttft_p50_ms: s.ttftP50Ms,
        input_tokens: s.inputTokens,
        output_tokens: s.outputTokens,
        cost_usd: s.costUsd,
      })),
    });
  });

  router.get('/v1/usage/cost', async (req, res) => {
    const q = parseInput(UsageQuerySchema, req.query, 'query string');
    const { from, to } = windowOf(q);
    const report = await queries.tenantCostReport({
      tenantId: tenantOf(req, q),
      from,
      to,
      ...(q.simulated && { simulated: q.simulated === 'true' }),
    });
    res.json({
      object: 'cost_report',
      tenant_id: report.tenantId,
      from: report.from.toISOString(),
      to: report.to.toISOString(),
      total_cost_usd: report.totalCostUsd,
      rows: report.rows.map((r) => ({
        day: r.day,
        model: r.model,
        provider: r.provider,
        attempts: r.attempts,
        input_tokens: r.inputTokens,
        output_tokens: r.outputTokens,
        cost_usd: r.costUsd,
      })),
    });
  });

  return router;
}
