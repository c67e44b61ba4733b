import { Router } from 'express';
import { z } from 'zod';
import { OutboundError } from '../../platform/outbound/outbound-error.ts';
import { PrometheusQueryError, type PrometheusQuery } from '../../core/ops/prometheus-query.ts';
import { sloStatuses } from '../../core/ops/slo-status.ts';
import type { SloDefinition } from '../../core/ops/slo-spec.ts';
import { ApiError } from '../api-error.ts';
import { requireAdmin } from '../middleware/auth.ts';

const ratio = z.number().nullable();

export const SloStatusSchema = z.object({
  name: z.string(),
  service: z.string(),
  description: z.string(),
  objective: z.number().describe('Percent of good events promised, e.g. 99.9'),
  period: z.string().describe('The SLO period, e.g. 30d'),
  error_budget: z.number().describe('1 - objective, as a ratio'),
  sli_now: ratio.describe('Good-event ratio over the last 5 minutes; null without traffic'),
  sli_period: ratio.describe('Good-event ratio over the period'),
  error_budget_remaining: ratio.describe('1 = untouched, 0 = spent, below 0 = overspent'),
  burn_rates: z.record(z.string(), ratio).describe('Error ratio over each window divided by the error budget'),
  alert_policy: z.array(z.object({ severity: z.enum(['page', 'ticket']), factor: z.number(), long_window: z.string(), short_window: z.string() })),
  alerts_firing: z.array(z.object({ alertname: z.string(), severity: z.string() })),
});
export const SloStatusListSchema = z.object({
  object: z.literal('list'),
  prometheus_url: z.string().nullable().describe('Where the figures came from; null when no Prometheus is configured (every measured figure is then null)'),
  data: z.array(SloStatusSchema),
});

export interface OpsSlosDeps {
  slos: () => Promise<SloDefinition[]>;
  /** From PROMETHEUS_URL; undefined: the SLOs are listed with null figures. */
  prometheus: PrometheusQuery | undefined;
}

/** GET /v1/ops/slos: every SLO's objective, SLI, budget, burn rates and firing alerts (admin: platform-wide). */
export function opsSlosRouter(deps: OpsSlosDeps): Router {
  const router = Router();
  router.get('/v1/ops/slos', requireAdmin, async (_req, res) => {
    let statuses;
    try {
      statuses = await sloStatuses(await deps.slos(), deps.prometheus);
    } catch (err) {
      if (err instanceof OutboundError || err instanceof PrometheusQueryError) {
        throw new ApiError(503, 'api_error', 'prometheus_unavailable', `Prometheus at ${deps.prometheus?.baseUrl ?? ''} did not answer the SLO queries: ${err.message}`);
      }
      throw err;
    }
    res.json(
      SloStatusListSchema.parse({
        object: 'list',
        prometheus_url: deps.prometheus?.baseUrl ?? null,
        data: statuses.map((s) => ({
          name: s.name,
          service: s.service,
          description: s.description,
          objective: s.objective,
          period: s.period,
          error_budget: s.errorBudget,
          sli_now: s.sliNow,
          sli_period: s.sliPeriod,
          error_budget_remaining: s.errorBudgetRemaining,
          burn_rates: s.burnRates,
          alert_policy: s.alertPolicy.map((a) => ({ severity: a.severity, factor: a.factor, long_window: a.long, short_window: a.short })),
          alerts_firing: s.alertsFiring,
        })),
      }),
    );
  });
  return router;
}
