/**
 * The statistics of a prompt A/B experiment: per-variant summaries, each treatment compared with
 * the control (the first variant), the guardrail and the recommendation. Pure and deterministic:
 * the experiment workflow decides with it and the results endpoint reports with it, so the two
 * can never disagree.
 *
 * Tests: a numeric score uses Welch's unequal-variances t-test; a success flag uses the pooled
 * two-proportion z-test. Each of the k-1 comparisons is judged at alpha / (k-1) (Bonferroni).
 */
import { meanInterval, normalQuantile, studentTQuantile, twoProportionZTest, welchTTest, wilsonInterval } from './statistics.ts';

export type ExperimentMetric = 'score' | 'success';
export type ExperimentGoal = 'maximize' | 'minimize';

/** What Postgres aggregates per variant; for a success metric the mean is the success rate. */
export interface VariantSample {
  name: string;
  exposures: number;
  count: number;
  mean: number | null;
  /** Sample variance (n - 1); null below two outcomes. */
  variance: number | null;
  /** Stored outcomes left out of the statistics (not finite, or out of the allowed range). */
  quarantined?: number;
}

export interface AnalysisConfig {
  metric: ExperimentMetric;
  goal: ExperimentGoal;
  /** e.g. 0.95: the level of every interval, and 1 - alpha of the tests. */
  confidence: number;
  minSamplesPerVariant: number;
  /** Stop early when a treatment is worse than the control at this significance. */
  guardrail?: { alpha: number; minSamplesPerVariant: number };
}

export interface VariantResult {
  name: string;
  exposures: number;
  count: number;
  mean: number | null;
  stddev: number | null;
  ci: [number, number] | null;
  /** Outcomes left out of `count` and the statistics because their value was unusable. */
  quarantined: number;
}

export interface Comparison {
  variant: string;
  control: string;
  /** mean(variant) - mean(control). */
  difference: number | null;
  ci: [number, number] | null;
  statistic: number | null;
  df: number | null;
  pValue: number | null;
  significant: boolean;
  /** Whether the variant's mean is better than the control's in the direction of the goal. */
  better: boolean | null;
}

export type RecommendationReason = 'significant_improvement' | 'no_significant_difference' | 'guardrail' | 'insufficient_data';

export interface ExperimentAnalysis {
  test: 'welch_t_test' | 'two_proportion_z_test';
  confidence: number;
  alpha: number;
  /** The per-comparison threshold after the Bonferroni correction. */
  adjustedAlpha: number;
  control: string;
  variants: VariantResult[];
  comparisons: Comparison[];
  sampleSizeReached: boolean;
  guardrailBreach: { variant: string; pValue: number } | null;
  recommendation: { variant: string; reason: RecommendationReason };
}

function summarize(sample: VariantSample, config: AnalysisConfig): VariantResult {
  const { count, mean, variance } = sample;
  let ci: [number, number] | null = null;
  if (mean !== null && count > 0) {
    if (config.metric === 'success') ci = wilsonInterval(Math.round(mean * count), count, config.confidence);
    else if (variance !== null && count >= 2) ci = meanInterval(mean, variance, count, config.confidence);
  }
  const stddev = config.metric === 'success' && mean !== null ? Math.sqrt(mean * (1 - mean)) : variance === null ? null : Math.sqrt(variance);
  return { name: sample.name, exposures: sample.exposures, count, mean, stddev, ci, quarantined: sample.quarantined ?? 0 };
}

function compare(control: VariantSample, variant: VariantSample, config: AnalysisConfig, adjustedAlpha: number): Comparison {
  const empty: Comparison = {
    variant: variant.name, control: control.name, difference: null, ci: null, statistic: null, df: null, pValue: null, significant: false, better: null,
  };
  if (control.mean === null || variant.mean === null || control.count < 2 || variant.count < 2) return empty;
  const difference = variant.mean - control.mean;
  const better = difference === 0 ? null : config.goal === 'maximize' ? difference > 0 : difference < 0;
  const twoSided = 1 - (1 - config.confidence) / 2;
  if (config.metric === 'success') {
    const successes = (s: VariantSample) => Math.round((s.mean ?? 0) * s.count);
    const test = twoProportionZTest({ successes: successes(control), n: control.count }, { successes: successes(variant), n: variant.count });
    const unpooled = Math.sqrt((control.mean * (1 - control.mean)) / control.count + (variant.mean * (1 - variant.mean)) / variant.count);
    const half = normalQuantile(twoSided) * unpooled;
    return { ...empty, difference, ci: [difference - half, difference + half], statistic: test.statistic, pValue: test.pValue, significant: test.pValue < adjustedAlpha, better };
  }
  const test = welchTTest(
    { mean: control.mean, variance: control.variance ?? 0, n: control.count },
    { mean: variant.mean, variance: variant.variance ?? 0, n: variant.count },
  );
  const df = test.df ?? control.count + variant.count - 2;
  const half = studentTQuantile(twoSided, df) * test.standardError;
  return {
    ...empty, difference, ci: [difference - half, difference + half], statistic: Number.isFinite(test.statistic) ? test.statistic : null, df, pValue: test.pValue,
    significant: test.pValue < adjustedAlpha, better,
  };
}

/** Analyses the samples; `samples[0]` is the control. */
export function analyzeExperiment(samples: readonly VariantSample[], config: AnalysisConfig): ExperimentAnalysis {
  const control = samples[0];
  if (!control || samples.length < 2) throw new Error('an experiment has at least two variants');
  const alpha = 1 - config.confidence;
  const adjustedAlpha = alpha / (samples.length - 1);
  const comparisons = samples.slice(1).map((variant) => compare(control, variant, config, adjustedAlpha));

  let guardrailBreach: ExperimentAnalysis['guardrailBreach'] = null;
  const guard = config.guardrail;
  if (guard) {
    for (const c of comparisons) {
      const variant = samples.find((s) => s.name === c.variant)!;
      const enough = control.count >= guard.minSamplesPerVariant && variant.count >= guard.minSamplesPerVariant;
      if (enough && c.better === false && c.pValue !== null && c.pValue < guard.alpha && (!guardrailBreach || c.pValue < guardrailBreach.pValue)) {
        guardrailBreach = { variant: c.variant, pValue: c.pValue };
      }
    }
  }

  const winners = comparisons.filter((c) => c.significant && c.better === true);
  const sign = config.goal === 'maximize' ? 1 : -1;
  winners.sort((a, b) => sign * ((b.difference ?? 0) - (a.difference ?? 0)));
  let recommendation: ExperimentAnalysis['recommendation'];
  if (guardrailBreach) recommendation = { variant: control.name, reason: 'guardrail' };
  else if (winners[0]) recommendation = { variant: winners[0].variant, reason: 'significant_improvement' };
  else if (comparisons.some((c) => c.pValue === null)) recommendation = { variant: control.name, reason: 'insufficient_data' };
  else recommendation = { variant: control.name, reason: 'no_significant_difference' };

  return {
    test: config.metric === 'success' ? 'two_proportion_z_test' : 'welch_t_test',
    confidence: config.confidence,
    alpha,
    adjustedAlpha,
    control: control.name,
    variants: samples.map((s) => summarize(s, config)),
    comparisons,
    sampleSizeReached: samples.every((s) => s.count >= config.minSamplesPerVariant),
    guardrailBreach,
    recommendation,
  };
}
