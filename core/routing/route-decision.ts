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
   * How many points of quality prior (0–1) a doubling of cost must buy: the weight of cost in
   * the route objective (see `routeUtility`). Defaults to DEFAULT_COST_WEIGHT; a large value
   * (or `Infinity`) always takes the cheapest adequate model.
   */
  costWeight?: number;
  /**
   * Deprecated (v1's fixed-dollar headroom): only `0` still means something — no headroom, the
   * cheapest adequate model, like an infinite cost weight. Other values are ignored: a dollar
   * threshold moved all traffic whenever prices changed.
   */
  upgradeAllowanceUsd?: number;
}

/**
 * The route objective, one formula for every price list: among the adequate models (capability,
 * context, tier, floors and ceilings met), take the one that maximises
 *
 *   utility(m) = quality(m) − costWeight × log2(cost(m) / cost(cheapest adequate))
 *
 * Cost enters as a ratio, so scaling every price (a new price list, another currency, a longer
 * request) changes no decision: there is no dollar threshold for a price change to cross. With
 * the default weight, a model must add 0.1 of quality prior for each doubling of cost over the
 * cheapest adequate one (gpt-4.1-mini at 4× gpt-4.1-nano's price needs +0.2). Set a priori as a
 * round number, not fitted; the learned routers decide the cheap/strong split from measured
 * outcomes instead (router-threshold.ts).
 */
export const DEFAULT_COST_WEIGHT = 0.1;

/**
 * Free models (local ones) cost 0, and a ratio to 0 is undefined: costs are floored at a
 * thousandth of the cheapest paid candidate's cost, a floor that scales with the prices, so
 * scaling every price still changes nothing. With only free candidates the floor is 1e-12 USD.
 */
const FREE_FLOOR_SHARE = 0.001;

export function costFloor(costs: readonly number[]): number {
  const paid = costs.filter((c) => c > 0);
  return paid.length ? FREE_FLOOR_SHARE * Math.min(...paid) : 1e-12;
}

export function routeUtility(quality: number, costUsd: number, baseCostUsd: number, floorUsd: number, costWeight: number): number {
  return quality - costWeight * Math.log2((costUsd + floorUsd) / (baseCostUsd + floorUsd));
}

/**
 * Headroom never picks a model whose typical latency is more than this many times the cheapest
 * adequate model's: the request did not ask for a slower model, and a reasoning model listed at
 * the same token price (o3 next to gpt-4.1) also bills hidden reasoning tokens the price does not show.
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
  const weight = constraints.upgradeAllowanceUsd === 0 ? Infinity : (constraints.costWeight ?? DEFAULT_COST_WEIGHT);
  if (Number.isFinite(weight)) {
    const spec = new Map(pool.map((m) => [m.id, m]));
    const base = spec.get(chosen.model)!;
    const floor = costFloor(ranked.map((c) => c.estimatedCostUsd));
    const utility = (c: RouteCandidate) => routeUtility(spec.get(c.model)!.quality, c.estimatedCostUsd, chosen.estimatedCostUsd, floor, weight);
    let best = chosen;
    for (const c of rest) {
      const m = spec.get(c.model)!;
      if (m.typicalLatencyMs > HEADROOM_LATENCY_FACTOR * base.typicalLatencyMs) continue;
      if (utility(c) > utility(best) + 1e-12) best = c;
    }
    if (best !== chosen) {
      const ratio = (best.estimatedCostUsd + floor) / (chosen.estimatedCostUsd + floor);
      reasons.push(
        `${best.model} (quality ${spec.get(best.model)!.quality} vs ${base.quality}) at ${ratio.toFixed(2)}× the cost has the higher utility (quality − ${weight} × log2 cost ratio): using it`,
      );
      rest = [chosen, ...rest.filter((c) => c !== best)];
      chosen = best;
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
