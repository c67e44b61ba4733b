import type { RoutingExample } from './routing-example.ts';
import { seededRandom } from './seeded-random.ts';

/** An example with the router's probability that its weak model is good enough. */
export interface ScoredExample {
  example: RoutingExample;
  p: number;
}

export interface CurvePoint {
  threshold: number;
  /** Share of prompts sent to the weak model. */
  weakShare: number;
  costUsd: number;
  quality: number;
  /** 1 - cost / cost of always using the strong model. */
  costReduction: number;
  /** Quality / quality of always using the strong model. */
  qualityRatio: number;
  /** Quality of routing at random between the two models at the same expected cost. */
  randomQuality: number;
  randomQualityRatio: number;
}

export interface Totals {
  n: number;
  strongCost: number;
  weakCost: number;
  strongQuality: number;
  weakQuality: number;
  oracleCost: number;
  oracleQuality: number;
}

export function totals(scored: readonly ScoredExample[]): Totals {
  const t = { n: scored.length, strongCost: 0, weakCost: 0, strongQuality: 0, weakQuality: 0, oracleCost: 0, oracleQuality: 0 };
  for (const { example: e } of scored) {
    t.strongCost += e.strong.costUsd;
    t.weakCost += e.weak.costUsd;
    t.strongQuality += e.strong.score;
    t.weakQuality += e.weak.score;
    // The oracle sends a prompt to the weak model exactly when it is good enough there.
    const weak = e.weak.score >= e.strong.score;
    t.oracleCost += weak ? e.weak.costUsd : e.strong.costUsd;
    t.oracleQuality += weak ? e.weak.score : e.strong.score;
  }
  return t;
}

/** Same expected cost, chosen at random: a straight line between always-weak and always-strong. */
export function randomQualityAtCost(t: Totals, cost: number): number {
  if (t.strongCost === t.weakCost) return t.strongQuality;
  const weakShare = Math.min(1, Math.max(0, (t.strongCost - cost) / (t.strongCost - t.weakCost)));
  return t.strongQuality - weakShare * (t.strongQuality - t.weakQuality);
}

/** Outcome of routing `scored` with one threshold (weak when p ≥ threshold). */
export function pointAt(scored: readonly ScoredExample[], threshold: number, t: Totals = totals(scored)): CurvePoint {
  let cost = 0;
  let quality = 0;
  let weak = 0;
  for (const { example: e, p } of scored) {
    if (p >= threshold) {
      weak++;
      cost += e.weak.costUsd;
      quality += e.weak.score;
    } else {
      cost += e.strong.costUsd;
      quality += e.strong.score;
    }
  }
  const randomQuality = randomQualityAtCost(t, cost);
  return {
    threshold,
    weakShare: scored.length ? weak / scored.length : 0,
    costUsd: cost,
    quality,
    costReduction: t.strongCost ? 1 - cost / t.strongCost : 0,
    qualityRatio: t.strongQuality ? quality / t.strongQuality : 1,
    randomQuality,
    randomQualityRatio: t.strongQuality ? randomQuality / t.strongQuality : 1,
  };
}

/**
 * The whole curve: one point per distinct probability (capped at `maxPoints` quantiles), from
 * "everything to the strong model" (threshold above every p) to "everything to the weak one".
 */
export function routingCurve(scored: readonly ScoredExample[], maxPoints = 201): CurvePoint[] {
  const t = totals(scored);
  const ps = [...new Set(scored.map((s) => s.p))].sort((a, b) => b - a);
  const step = Math.max(1, Math.ceil(ps.length / (maxPoints - 2)));
  const thresholds = [Infinity, ...ps.filter((_, i) => i % step === 0), -Infinity];
  return thresholds.map((th) => pointAt(scored, th, t));
}

/**
 * Cost reduction at a target quality ratio, interpolated on the curve as RouteLLM reports
 * "CPT(x%)": walking from all-strong toward all-weak, the point where the quality ratio first
 * drops below the target, linearly interpolated with the point before it.
 */
export function costReductionAtQuality(curve: readonly CurvePoint[], target: number): number {
  let previous = curve[0]!;
  if (previous.qualityRatio < target) return 0;
  for (const point of curve.slice(1)) {
    if (point.qualityRatio < target) {
      const span = previous.qualityRatio - point.qualityRatio;
      const f = span > 0 ? (previous.qualityRatio - target) / span : 0;
      return previous.costReduction + f * (point.costReduction - previous.costReduction);
    }
    previous = point;
  }
  return previous.costReduction;
}

/** The same figure for routing at random: quality falls linearly with the weak share. */
export function randomCostReductionAtQuality(t: Totals, target: number): number {
  if (t.strongQuality <= t.weakQuality) return t.strongCost ? 1 - t.weakCost / t.strongCost : 0;
  const weakShare = Math.min(1, (t.strongQuality * (1 - target)) / (t.strongQuality - t.weakQuality));
  return t.strongCost ? (weakShare * (t.strongCost - t.weakCost)) / t.strongCost : 0;
}

/** Area under the ROC curve of p against "the weak model is good enough" (ties count half). */
export function auroc(scored: readonly ScoredExample[]): number {
  const sorted = [...scored].sort((a, b) => a.p - b.p);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.p === sorted[i]!.p) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (sorted[k]!.example.weakGoodEnough) {
        rankSum += rank;
        positives++;
      }
    }
    i = j;
  }
  const negatives = sorted.length - positives;
  if (!positives || !negatives) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * 95% bootstrap interval (seeded, resampling prompts) of the router's quality ratio minus the
 * same-cost random baseline's, at a fixed threshold. Above zero: the router beats random by
 * more than chance on that set.
 */
export function bootstrapAdvantage(scored: readonly ScoredExample[], threshold: number, seed: number, resamples = 300): { mean: number; low: number; high: number } {
  const random = seededRandom(seed);
  const values: number[] = [];
  const n = scored.length;
  for (let r = 0; r < resamples; r++) {
    const sample: ScoredExample[] = new Array(n);
    for (let i = 0; i < n; i++) sample[i] = scored[Math.floor(random() * n)]!;
    const point = pointAt(sample, threshold);
    values.push(point.qualityRatio - point.randomQualityRatio);
  }
  values.sort((a, b) => a - b);
  const point = pointAt(scored, threshold);
  return { mean: point.qualityRatio - point.randomQualityRatio, low: values[Math.floor(0.025 * resamples)] ?? 0, high: values[Math.min(resamples - 1, Math.floor(0.975 * resamples))] ?? 0 };
}
