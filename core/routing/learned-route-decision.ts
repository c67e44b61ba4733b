import type { ComplexityEstimate } from './complexity-estimator.ts';
import type { LearnedRouter } from './learned-router.ts';
import type { ModelSpec } from './model-spec.ts';
import { decideRoute, type RouteConstraints } from './route-decision.ts';
import type { RouteDecision } from './route-decision-types.ts';

/** A trained router loaded for use: its version, kind, model and derived threshold. */
export interface LoadedRouter {
  version: string;
  kind: string;
  router: LearnedRouter;
  threshold: number;
}

/**
 * A learned router's binary decision mapped onto the registry, as RouteLLM frames it: the weak
 * side is the cheapest adequate model (tier 1 and up, no headroom), the strong side the
 * strongest adequate one (tier 4 pool, else the strongest that can run the request). The other
 * side is the first fallback. A router that needs an embedding cannot decide here (the live path
 * does not embed); the heuristic decides instead and the reasons say so.
 */
export function decideLearnedRoute(
  estimate: ComplexityEstimate,
  prompt: string,
  models: readonly ModelSpec[],
  constraints: RouteConstraints,
  live: LoadedRouter,
  shadow?: LoadedRouter,
): RouteDecision {
  const side = (loaded: LoadedRouter) => {
    const pCheap = loaded.router.pGoodEnough(prompt);
    const weak = pCheap >= loaded.threshold;
    const decision = weak
      ? decideRoute({ ...estimate, tier: 1 }, models, { ...constraints, costWeight: Infinity }, `learned:${loaded.version}`)
      : decideRoute({ ...estimate, tier: 4 }, models, { ...constraints, costWeight: Infinity }, `learned:${loaded.version}`);
    return { pCheap, weak, decision };
  };
  if (live.router.needsEmbedding) {
    const d = decideRoute(estimate, models, constraints, 'heuristic-v2');
    return { ...d, reasons: [`learned router ${live.version} (${live.kind}) needs an embedding, which the live path does not compute: heuristic`, ...d.reasons] };
  }
  const main = side(live);
  const other = main.weak
    ? decideRoute({ ...estimate, tier: 4 }, models, { ...constraints, costWeight: Infinity })
    : decideRoute({ ...estimate, tier: 1 }, models, { ...constraints, costWeight: Infinity });
  const fallbacks = [other.chosen, ...main.decision.fallbacks].filter((c, i, all) => c.model !== main.decision.chosen.model && all.findIndex((x) => x.model === c.model) === i);
  const shadowSide = shadow && !shadow.router.needsEmbedding ? side(shadow) : undefined;
  return {
    ...main.decision,
    score: 1 - main.pCheap,
    fallbacks: fallbacks.slice(0, constraints.fallbacks ?? 2),
    reasons: [
      `learned router ${live.version} (${live.kind}): P(cheaper model good enough) = ${main.pCheap.toFixed(3)} ${main.weak ? '≥' : '<'} threshold ${live.threshold.toFixed(3)}: ${main.weak ? 'cheapest adequate model' : 'strongest adequate model'}`,
      ...main.decision.reasons,
      ...(shadowSide ? [`shadow ${shadow!.version}: P = ${shadowSide.pCheap.toFixed(3)}, would have chosen ${shadowSide.decision.chosen.model}`] : []),
    ],
    learned: {
      version: live.version,
      kind: live.kind,
      pCheap: main.pCheap,
      threshold: live.threshold,
      ...(shadowSide && { shadow: { version: shadow!.version, model: shadowSide.decision.chosen.model, pCheap: shadowSide.pCheap, threshold: shadow!.threshold } }),
    },
  };
}
