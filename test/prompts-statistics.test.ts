import { describe, expect, it } from 'vitest';
import { assignVariant } from '../core/experiments/variant-assignment.ts';
import { analyzeExperiment, type VariantSample } from '../core/experiments/experiment-analysis.ts';
import {
  logGamma,
  meanInterval,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
} from '../core/experiments/statistics.ts';

// Reference values from SciPy 1.17 (scipy.stats / scipy.special) and Python's math.lgamma.
describe('distributions against SciPy', () => {
  it('normal CDF and quantile', () => {
    const cases: Array<[number, number]> = [[-3, 0.0013498980316300933], [-1.96, 0.024997895148220435], [0, 0.5], [0.5, 0.6914624612740131], [2.5, 0.9937903346742238], [6, 0.9999999990134123]];
    for (const [z, p] of cases) expect(normalCdf(z)).toBeCloseTo(p, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 6);
  });

  it("Student's t CDF and quantile, including fractional degrees of freedom", () => {
    const cdf: Array<[number, number, number]> = [[2, 5, 0.9490302605850708], [-1.3, 12.7, 0.10835026729210875], [0.4, 1, 0.6211189415908434], [3.5, 100, 0.9996517861413219], [-8, 3, 0.002038288793892733]];
    for (const [t, df, p] of cdf) expect(studentTCdf(t, df)).toBeCloseTo(p, 10);
    const quantiles: Array<[number, number]> = [[1, 12.706204736174694], [5, 2.5705818356363146], [30, 2.0422724563012378], [12.7, 2.165567731368725]];
    for (const [df, q] of quantiles) expect(studentTQuantile(0.975, df)).toBeCloseTo(q, 8);
  });

  it('incomplete beta and log-gamma', () => {
    expect(regularizedIncompleteBeta(0.4, 2, 3)).toBeCloseTo(0.5248, 12);
    expect(regularizedIncompleteBeta(0.1, 0.5, 0.5)).toBeCloseTo(0.20483276469913345, 12);
    expect(regularizedIncompleteBeta(0.3, 10, 20)).toBeCloseTo(0.3640040810719437, 12);
    expect(regularizedIncompleteBeta(0.9, 6.35, 0.5)).toBeCloseTo(0.2566136144021445, 12);
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180752, 12);
    expect(logGamma(7.5)).toBeCloseTo(7.534364236758734, 12);
    expect(logGamma(100.2)).toBeCloseTo(360.0544386089181, 9);
  });

  it("Welch's t-test matches scipy.stats.ttest_ind_from_stats(equal_var=False)", () => {
    const r = welchTTest({ mean: 5.1, variance: 2.3, n: 40 }, { mean: 5.9, variance: 3.1, n: 35 });
    expect(r.statistic).toBeCloseTo(2.0931837217285882, 10);
    expect(r.df).toBeCloseTo(67.62702280813545, 8);
    expect(r.pValue).toBeCloseTo(0.04008633259619938, 9);
  });

  it('two-proportion z-test, Wilson and t intervals', () => {
    const z = twoProportionZTest({ successes: 45, n: 100 }, { successes: 60, n: 100 });
    expect(z.statistic).toBeCloseTo(2.1239769762143657, 10);
    expect(z.pValue).toBeCloseTo(0.033672068856345855, 7);
    const [lo, hi] = wilsonInterval(45, 100, 0.95);
    expect(lo).toBeCloseTo(0.3561453797951198, 7);
    expect(hi).toBeCloseTo(0.5475539700255787, 7);
    const [mlo, mhi] = meanInterval(5, 4, 10, 0.95);
    expect(mlo).toBeCloseTo(3.569286188058671, 8);
    expect(mhi).toBeCloseTo(6.430713811941329, 8);
  });
});

describe('experiment analysis', () => {
  const sample = (name: string, count: number, mean: number | null, variance: number | null): VariantSample => ({ name, exposures: count, count, mean, variance });
  const config = { metric: 'score' as const, goal: 'maximize' as const, confidence: 0.95, minSamplesPerVariant: 30 };

  it('judges each treatment against the control at a Bonferroni-adjusted alpha', () => {
    const a = analyzeExperiment([sample('control', 40, 5.1, 2.3), sample('b', 35, 5.9, 3.1), sample('c', 35, 5.2, 3.1)], config);
    expect(a.adjustedAlpha).toBeCloseTo(0.025, 12);
    // p = 0.040: significant at 0.05 alone, not after the correction for two comparisons.
    expect(a.comparisons[0]).toMatchObject({ variant: 'b', significant: false, better: true });
    expect(a.comparisons[0]!.pValue).toBeCloseTo(0.04008633259619938, 9);
    expect(a.recommendation).toEqual({ variant: 'control', reason: 'no_significant_difference' });
    expect(a.sampleSizeReached).toBe(true);
    const two = analyzeExperiment([sample('control', 40, 5.1, 2.3), sample('b', 35, 5.9, 3.1)], config);
    expect(two.recommendation).toEqual({ variant: 'b', reason: 'significant_improvement' });
  });

  it('respects the goal, trips the guardrail and waits for data', () => {
    const minimize = analyzeExperiment([sample('control', 40, 5.1, 2.3), sample('b', 35, 5.9, 3.1)], { ...config, goal: 'minimize' });
    expect(minimize.comparisons[0]!.better).toBe(false);
    const guarded = analyzeExperiment([sample('control', 50, 9, 1), sample('b', 50, 4, 1)], { ...config, guardrail: { alpha: 0.01, minSamplesPerVariant: 20 } });
    expect(guarded.guardrailBreach?.variant).toBe('b');
    expect(guarded.recommendation.reason).toBe('guardrail');
    const tooFew = analyzeExperiment([sample('control', 50, 9, 1), sample('b', 10, 4, 1)], { ...config, guardrail: { alpha: 0.01, minSamplesPerVariant: 20 } });
    expect(tooFew.guardrailBreach).toBeNull();
    const empty = analyzeExperiment([sample('control', 0, null, null), sample('b', 1, 3, null)], config);
    expect(empty.recommendation.reason).toBe('insufficient_data');
    expect(empty.variants[1]!.ci).toBeNull();
  });

  it('uses the two-proportion z-test and Wilson intervals for a success metric', () => {
    const a = analyzeExperiment([sample('control', 100, 0.45, null), sample('b', 100, 0.6, null)], { ...config, metric: 'success' });
    expect(a.test).toBe('two_proportion_z_test');
    expect(a.comparisons[0]!.pValue).toBeCloseTo(0.033672068856345855, 7);
    expect(a.variants[0]!.ci![0]).toBeCloseTo(0.3561453797951198, 7);
  });
});

describe('sticky assignment', () => {
  it('is a pure function of experiment and subject, and follows the weights', () => {
    const variants = [
      { name: 'a', weight: 3 },
      { name: 'b', weight: 1 },
    ];
    expect(assignVariant('exp-1', 'user-42', variants)).toBe(assignVariant('exp-1', 'user-42', [...variants]));
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i++) counts[assignVariant('exp-1', `user-${i}`, variants).name as 'a' | 'b']++;
    expect(counts.a / 4000).toBeGreaterThan(0.72);
    expect(counts.a / 4000).toBeLessThan(0.78);
    // Another experiment reshuffles subjects independently.
    const moved = Array.from({ length: 200 }, (_, i) => `u${i}`).filter((s) => assignVariant('exp-1', s, variants).name !== assignVariant('exp-2', s, variants).name);
    expect(moved.length).toBeGreaterThan(40);
  });
});
