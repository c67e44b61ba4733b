import { describe, expect, it } from 'vitest';
import {
  NAB_PROFILES,
  optimiseThreshold,
  probationaryLength,
  scaledSigmoid,
  scoreAtThreshold,
  scoreCorpus,
  sweepSeries,
  type LabelledSeries,
} from '../core/ops/anomaly/nab-scorer.ts';
import { loadNabCorpus, nabAvailable } from '../tooling/nab/corpus.ts';

// Hand-computed with σ(x) = 1/(1+e^-x) and NAB's scaled sigmoid S(p) = 2σ(-5p) − 1:
//   S(-1) = 0.986614 (a window's first row), S(-0.6)/S(-1) = 0.917429, S(-0.8)/S(-1) = 0.977107,
//   S(0.5) = -0.848284 (half a window-width past the window).
// One series of 20 rows, one window [10, 14] (width 5); the first floor(0.15·20) = 3 rows are probationary.
const series: LabelledSeries = { name: 'a.csv', timestamps: Array.from({ length: 20 }, (_, i) => i), windows: [[10, 14]] };
const detect = (...rows: number[]) => series.timestamps.map((_, i) => (rows.includes(i) ? 1 : 0));

describe('NAB scorer: hand-computed cases', () => {
  it('the scaled sigmoid and the probationary period follow NAB', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3)).toBeCloseTo(-0.9999994, 6);
    expect(scaledSigmoid(3.01)).toBe(-1);
    expect(probationaryLength(20)).toBe(3);
    expect(probationaryLength(100_000)).toBe(750);
  });

  it('weights a detection by its position in the window, after it, and before any window', () => {
    const swept = sweepSeries(series, detect(), NAB_PROFILES.standard);
    expect(swept).toHaveLength(17); // probationary rows dropped
    const at = (row: number) => swept[row - 3]!;
    expect(at(10).sweepScore).toBeCloseTo(1, 10); // the window's first row earns exactly tpWeight
    expect(at(12).sweepScore).toBeCloseTo(0.917429, 5);
    expect(at(12).window).toBe('a.csv|10');
    expect(at(16).sweepScore).toBeCloseTo(-0.848284 * 0.11, 6);
    expect(at(16).window).toBeNull();
    expect(at(5).sweepScore).toBeCloseTo(-0.11, 10);
  });

  it('scores one window once (its earliest detection), adds false positives, and normalises between null and perfect', () => {
    const score = (scores: number[], profile: keyof typeof NAB_PROFILES) => scoreCorpus([series], [scores], profile, { threshold: 0.5 });
    expect(score(detect(), 'standard').normalised).toBeCloseTo(0, 10);
    expect(score(detect(10), 'standard').normalised).toBeCloseTo(100, 10);
    expect(score(detect(12), 'standard').normalised).toBeCloseTo(95.871434, 5);
    expect(score(detect(11, 13), 'standard').raw).toBeCloseTo(0.977107, 5);
    expect(score(detect(5, 12, 16), 'standard').raw).toBeCloseTo(0.714117, 5);
    expect(score(detect(5, 12, 16), 'standard').normalised).toBeCloseTo(85.705874, 5);
    expect(score(detect(5, 12, 16), 'reward_low_FP_rate').normalised).toBeCloseTo(75.540314, 5);
    expect(score(detect(12), 'reward_low_FN_rate').normalised).toBeCloseTo(97.247623, 5);
    // A detection in the probationary period counts for nothing either way.
    expect(score(detect(1, 12), 'standard').raw).toBeCloseTo(score(detect(12), 'standard').raw, 12);
  });

  it('optimises one threshold over the whole corpus, as NAB does', () => {
    const scores = series.timestamps.map((_, i) => (i === 5 ? 0.95 : i === 12 ? 0.9 : 0.1));
    const points = sweepSeries(series, scores, NAB_PROFILES.standard);
    expect(scoreAtThreshold(points, NAB_PROFILES.standard, 0.95)).toBeCloseTo(-1.11, 10);
    const best = optimiseThreshold(points, NAB_PROFILES.standard);
    expect(best.threshold).toBe(0.9);
    expect(best.score).toBeCloseTo(0.807429, 5);
    // Two files whose windows start at the same time are still two windows.
    const twin = { ...series, name: 'b.csv' };
    const corpus = scoreCorpus([series, twin], [detect(10), detect()], 'standard');
    expect(corpus.nullScore).toBe(-2);
    expect(corpus.perfectScore).toBe(2);
    expect(corpus.normalised).toBeCloseTo(50, 10);
  });

  it('refuses a window edge that is not a row (a labelling error, not something to guess)', () => {
    expect(() => sweepSeries({ ...series, windows: [[10.5, 14]] }, detect(), NAB_PROFILES.standard)).toThrow(/not a timestamp/);
  });
});

describe.runIf(nabAvailable())('NAB scorer on the NAB corpus', () => {
  it('reproduces the null (0) and perfect (100) bounds for all three profiles', () => {
    const corpus = loadNabCorpus();
    expect(corpus).toHaveLength(58);
    expect(corpus.reduce((n, s) => n + s.windows.length, 0)).toBe(116);
    const nothing = corpus.map((s) => s.values.map(() => 0));
    const perfect = corpus.map((s) => s.timestamps.map((t) => (s.windows.some(([a]) => a === t) ? 1 : 0)));
    for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
      expect(scoreCorpus(corpus, nothing, profile).normalised).toBe(0);
      expect(scoreCorpus(corpus, perfect, profile).normalised).toBeCloseTo(100, 10);
    }
  }, 60_000);
});
