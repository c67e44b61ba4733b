/**
 * Paired comparison of two candidates scored on the same cases. Means alone hide whether a
 * difference is noise; pairing removes the per-case difficulty, so small real differences show.
 *
 * - Bootstrap: resample the case-level differences (seeded, so a run's figures replay exactly)
 *   for a 95% percentile interval of the mean difference, and a two-sided p-value.
 * - Exact sign test on the signs of the non-zero differences; with 0/1 scores the non-zero
 *   differences are exactly the discordant pairs, so the same computation is McNemar's exact test.
 * Pure: the evaluate workflow imports it.
 */
import type { PairedComparison } from './eval-types.ts';

/** Deterministic PRNG (mulberry32): the workflow may not use Math.random for figures it records. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function differences(baseline: readonly number[], candidate: readonly number[]): number[] {
  if (baseline.length !== candidate.length) {
    throw new RangeError(`paired samples differ in length: ${baseline.length} vs ${candidate.length}`);
  }
  return candidate.map((value, i) => value - (baseline[i] as number));
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** ln(n choose k) through log-gamma sums kept exact enough for n up to millions. */
function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i += 1) sum += Math.log(n - k + i) - Math.log(i);
  return sum;
}

/** Two-sided exact binomial test at p = 1/2: P(X <= min(pos, neg)) doubled, capped at 1. */
export function exactSignTest(positives: number, negatives: number): number {
  const n = positives + negatives;
  if (n === 0) return 1;
  const k = Math.min(positives, negatives);
  let tail = 0;
  for (let i = 0; i <= k; i += 1) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

export interface BootstrapOptions {
  iterations?: number;
  seed?: number;
}

export interface BootstrapResult {
  meanDifference: number;
  ci95: [number, number];
  pValue: number;
}

/** Percentile bootstrap of the mean paired difference (candidate - baseline). */
export function pairedBootstrap(baseline: readonly number[], candidate: readonly number[], options: BootstrapOptions = {}): BootstrapResult {
  const diffs = differences(baseline, candidate);
  const n = diffs.length;
  const observed = mean(diffs);
  if (n === 0) return { meanDifference: 0, ci95: [0, 0], pValue: 1 };
  const iterations = options.iterations ?? 2_000;
  const random = seededRandom(options.seed ?? 1);
  const means = new Float64Array(iterations);
  let atOrBelowZero = 0;
  let atOrAboveZero = 0;
  for (let b = 0; b < iterations; b += 1) {
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += diffs[Math.floor(random() * n)] as number;
    const m = sum / n;
    means[b] = m;
    if (m <= 0) atOrBelowZero += 1;
    if (m >= 0) atOrAboveZero += 1;
  }
  means.sort();
  const at = (q: number): number => means[Math.min(iterations - 1, Math.max(0, Math.floor(q * iterations)))] as number;
  // Two-sided: how often the resampled mean falls on the far side of zero (+1 smoothing so p is never 0).
  const pValue = Math.min(1, (2 * (Math.min(atOrBelowZero, atOrAboveZero) + 1)) / (iterations + 1));
  return { meanDifference: observed, ci95: [at(0.025), at(0.975)], pValue };
}

export interface CompareOptions extends BootstrapOptions {
  /** Scores are 0/1: use McNemar's exact test for the p-value. */
  binary?: boolean;
  alpha?: number;
}

/**
 * The comparison recorded on a run. The interval always comes from the bootstrap; the p-value
 * from the exact test (McNemar for 0/1 scores, the sign test otherwise), because an exact test
 * needs no resampling assumptions and is conservative at small n.
 */
export function comparePaired(baseline: readonly number[], candidate: readonly number[], options: CompareOptions = {}): PairedComparison {
  const diffs = differences(baseline, candidate);
  const boot = pairedBootstrap(baseline, candidate, options);
  const positives = diffs.filter((d) => d > 0).length;
  const negatives = diffs.filter((d) => d < 0).length;
  const pValue = exactSignTest(positives, negatives);
  const alpha = options.alpha ?? 0.05;
  return {
    n: diffs.length,
    meanDifference: boot.meanDifference,
    ci95: boot.ci95,
    pValue,
    test: options.binary === true ? 'mcnemar_exact' : 'exact_sign',
    significant: pValue < alpha,
  };
}

/**
 * A regression: the candidate's mean is below the reference by more than `margin` AND the
 * difference is significant, so noise alone never fails a scheduled run.
 */
export function isRegression(comparison: PairedComparison, margin: number): boolean {
  return comparison.significant && comparison.meanDifference < -margin;
}
