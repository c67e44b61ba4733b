import { pointAt, totals, type ScoredExample } from './routing-curve.ts';

/**
 * What an operator sets instead of a raw threshold: the share of the strong model's quality to
 * keep, or the share of its cost to spend at most. Either becomes the one threshold on held-out
 * (calibration) data, never on the data the router is scored on.
 */
export type ThresholdTarget = { qualityRatio: number } | { costShare: number };

/**
 * Walks thresholds from "all strong" down: the lowest threshold (most traffic to the weak model)
 * before the quality ratio first falls below the target; or, for a cost budget, the highest
 * threshold whose cost stays within the budget (the most quality it buys). Returns Infinity (never the weak model) when even
 * the first step misses the target.
 */
export function deriveThreshold(heldOut: readonly ScoredExample[], target: ThresholdTarget): number {
  const t = totals(heldOut);
  const ps = [...new Set(heldOut.map((s) => s.p))].sort((a, b) => b - a);
  let chosen = Infinity;
  for (const p of ps) {
    const point = pointAt(heldOut, p, t);
    if ('qualityRatio' in target) {
      if (point.qualityRatio < target.qualityRatio) break;
      chosen = p;
    } else if (point.costUsd <= target.costShare * t.strongCost) {
      // Cost only falls as the threshold does: the first one within budget keeps the most quality.
      return p;
    }
  }
  return chosen;
}
