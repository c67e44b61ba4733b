import type { OutcomeRecord } from './outcome-record.ts';
import { outcomeCostUsd, type OutcomePrices } from './outcome-cost.ts';

/**
 * One prompt as a binary routing problem (RouteLLM's framing): a strong model and a cheaper
 * weak one, each with its measured score and its cost. The router's job is the probability that
 * the weak model is good enough: `weakGoodEnough` (the weak model scored at least as well).
 */
export interface RoutingExample {
  id: string;
  prompt: string;
  source: string;
  family: string;
  category: string;
  strong: { model: string; score: number; costUsd: number };
  weak: { model: string; score: number; costUsd: number };
  weakGoodEnough: boolean;
}

export interface ModelPair {
  strong: string;
  weak: string;
}

/**
 * The weak model costs at most this share of the strong model's mean cost: routing between two
 * models of nearly the same price saves nothing worth a router.
 */
export const WEAK_MAX_COST_SHARE = 0.2;
/** A model answers at least this share of a source's prompts to be a candidate. */
const MIN_COVERAGE = 0.9;

/**
 * The pair a source is routed between, fixed by a rule chosen before any figure was seen: the
 * strong model is the one with the best mean score, the weak one the best mean score among
 * models costing at most WEAK_MAX_COST_SHARE of it. Chosen on the records given (the training
 * split), never on test data. Undefined when no such pair exists (e.g. every model costs the same).
 */
export function choosePair(records: readonly OutcomeRecord[], prices: OutcomePrices): ModelPair | undefined {
  const stats = new Map<string, { n: number; score: number; cost: number; priced: number }>();
  for (const r of records) {
    for (const [model, o] of Object.entries(r.outcomes)) {
      const s = stats.get(model) ?? { n: 0, score: 0, cost: 0, priced: 0 };
      s.n++;
      s.score += o.score;
      const cost = outcomeCostUsd(r.prompt, model, o, prices);
      if (cost !== undefined) {
        s.cost += cost;
        s.priced++;
      }
      stats.set(model, s);
    }
  }
  const candidates = [...stats]
    .filter(([, s]) => s.n >= MIN_COVERAGE * records.length && s.priced === s.n && s.cost > 0)
    .map(([model, s]) => ({ model, score: s.score / s.n, cost: s.cost / s.n }))
    .sort((a, b) => b.score - a.score || a.cost - b.cost || a.model.localeCompare(b.model));
  const strong = candidates[0];
  if (!strong) return undefined;
  const weak = candidates.find((c) => c.model !== strong.model && c.cost <= WEAK_MAX_COST_SHARE * strong.cost);
  return weak && { strong: strong.model, weak: weak.model };
}

/** Examples of the records that have both models of the pair, priced. */
export function routingExamples(records: readonly OutcomeRecord[], pair: ModelPair, prices: OutcomePrices): RoutingExample[] {
  const out: RoutingExample[] = [];
  for (const r of records) {
    const s = r.outcomes[pair.strong];
    const w = r.outcomes[pair.weak];
    if (!s || !w) continue;
    const sc = outcomeCostUsd(r.prompt, pair.strong, s, prices);
    const wc = outcomeCostUsd(r.prompt, pair.weak, w, prices);
    if (sc === undefined || wc === undefined) continue;
    out.push({
      id: r.id,
      prompt: r.prompt,
      source: r.source,
      family: r.family,
      category: r.category,
      strong: { model: pair.strong, score: s.score, costUsd: sc },
      weak: { model: pair.weak, score: w.score, costUsd: wc },
      weakGoodEnough: w.score >= s.score,
    });
  }
  return out;
}
