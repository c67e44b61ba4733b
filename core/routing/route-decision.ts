import type { ComplexityEstimate } from './complexity-estimator.ts';
import { costUsd, type ModelSpec } from './model-spec.ts';
import type { RouteCandidate, RouteDecision } from './route-decision-types.ts';

export type { RouteCandidate, RouteDecision };

export interface RouteConstraints {
  /** Only models with at least this quality prior. */
  qualityFloor?: number;
  /** Only models whose typical latency is at most this. */
  latencyCeilingMs?: number;
  /** How many fallbacks to chain after the chosen model. */
  fallbacks?: number;
  /**
   * Headroom: take the cheapest model of a higher tier than the cheapest adequate one when it
   * costs at most this many USD more for this request and is not much slower (0 turns it off).
   * Defaults to DEFAULT_UPGRADE_ALLOWANCE_USD.
   */
  upgradeAllowanceUsd?: number;
}

/**
 * The cheapest model of a tier is a little weaker than stronger tiers even on the tasks that tier
 * is meant for, and a short request costs a fraction of a cent anywhere: one tier of headroom is
 * bought wherever it costs at most this much per request. Long answers and large inputs, where
 * the money is, stay on the cheapest adequate model. Tuned by `npm run bench:routing`.
 */
export const DEFAULT_UPGRADE_ALLOWANCE_USD = 0.005;

/**
 * Headroom never picks a model whose typical latency is more than this many times the base
 * model's: the request did not ask for a slower model, and a reasoning model listed at the same
 * token price (o3 next to gpt-4.1) also bills hidden reasoning tokens the price does not show.
 */
export const HEADROOM_LATENCY_FACTOR = 2;

export class NoRouteError extends Error {
  override readonly name = 'NoRouteError';
  constructor(message: string, readonly reasons: string[]) {
    super(message);
  }
}

/**
 * Cheapest adequate model: filter by capability, context, tier, quality floor and latency
 * ceiling, then order by estimated cost. When no model meets the tier, the strongest that meets
 * the hard requirements (capabilities, context) is used and the reasons say so.
 */
export function decideRoute(
  estimate: ComplexityEstimate,
  models: readonly ModelSpec[],
  constraints: RouteConstraints = {},
  estimatorName = 'heuristic-v1',
): RouteDecision {
  const reasons: string[] = [`complexity ${estimate.score.toFixed(2)} needs tier ≥ ${estimate.tier}`];
  const needed = estimate.inputTokens + estimate.outputTokens;
  const hard = models.filter(
    (m) => m.enabled && estimate.requires.every((c) => m.capabilities[c]) && m.contextWindow >= needed && m.maxOutputTokens >= estimate.outputTokens,
  );
  if (estimate.requires.length) reasons.push(`requires ${estimate.requires.join(', ')}`);
  if (hard.length === 0) {
    throw new NoRouteError('No enabled model meets the capability and context requirements.', reasons);
  }
  let pool = hard.filter((m) => m.tier >= estimate.tier);
  if (constraints.qualityFloor !== undefined) {
    const floor = constraints.qualityFloor;
    pool = pool.filter((m) => m.quality >= floor);
    reasons.push(`quality floor ${floor}`);
  }
  if (constraints.latencyCeilingMs !== undefined) {
    const ceiling = constraints.latencyCeilingMs;
    pool = pool.filter((m) => m.typicalLatencyMs <= ceiling);
    reasons.push(`latency ceiling ${ceiling} ms`);
  }
  const priced = (m: ModelSpec): RouteCandidate => ({ model: m.id, estimatedCostUsd: costUsd(m, estimate.inputTokens, estimate.outputTokens) });
  if (pool.length === 0) {
    // Better an over-qualified answer than none: take the strongest model that can run at all.
    const strongest = [...hard].sort((a, b) => b.tier - a.tier || b.quality - a.quality)[0]!;
    reasons.push(`no model meets every constraint; using the strongest available (${strongest.id})`);
    return { policy: 'auto', estimator: estimatorName, score: estimate.score, tier: estimate.tier, signals: estimate.signals, chosen: priced(strongest), fallbacks: [], reasons };
  }
  const ranked = pool.map(priced).sort((a, b) => a.estimatedCostUsd - b.estimatedCostUsd || a.model.localeCompare(b.model));
  let [chosen, ...rest] = ranked as [RouteCandidate, ...RouteCandidate[]];
  reasons.push(`cheapest of ${ranked.length} adequate model${ranked.length === 1 ? '' : 's'}: ${chosen.model}`);
  const allowance = constraints.upgradeAllowanceUsd ?? DEFAULT_UPGRADE_ALLOWANCE_USD;
  if (allowance > 0) {
    const spec = new Map(pool.map((m) => [m.id, m]));
    const base = spec.get(chosen.model)!;
    const up = rest.find((c) => {
      const m = spec.get(c.model)!;
      return m.tier > base.tier && m.typicalLatencyMs <= HEADROOM_LATENCY_FACTOR * base.typicalLatencyMs;
    });
    if (up && up.estimatedCostUsd - chosen.estimatedCostUsd <= allowance) {
      reasons.push(`${up.model} (a tier up) costs $${(up.estimatedCostUsd - chosen.estimatedCostUsd).toFixed(6)} more, within the $${allowance} headroom allowance: using it`);
      rest = [chosen, ...rest.filter((c) => c !== up)];
      chosen = up;
    }
  }
  return {
    policy: 'auto',
    estimator: estimatorName,
    score: estimate.score,
    tier: estimate.tier,
    signals: estimate.signals,
    chosen,
    fallbacks: rest.slice(0, constraints.fallbacks ?? 2),
    reasons,
  };
}
