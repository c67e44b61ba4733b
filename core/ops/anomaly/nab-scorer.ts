// Our own implementation of the Numenta Anomaly Benchmark (NAB v1.1) scoring rules, written from
// the published method so detectors can be scored without Python: labelled anomaly windows,
// sigmoid-weighted credit for the earliest detection inside a window, sigmoid-weighted penalties
// for detections after a window, a probationary period that is not scored, one threshold
// optimised over the whole corpus per cost profile, and normalisation between the null detector
// (0) and a perfect one (100). Pure: no I/O, so tests, the eval script and the worker share it.

/** Weights of one NAB application profile (tnWeight is part of the format but never used). */
export interface CostProfile {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

export type ProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/** NAB's three profiles (config/profiles.json). */
export const NAB_PROFILES: Readonly<Record<ProfileName, CostProfile>> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

/** NAB leaves the first 15 % of each file (at most 750 rows) unscored while detectors learn. */
export const NAB_PROBATION_PERCENT = 0.15;

/** One labelled file: its timestamps (any monotone numbers, e.g. epoch ms) and anomaly windows. */
export interface LabelledSeries {
  readonly name: string;
  readonly timestamps: readonly number[];
  /** [start, end] timestamps, inclusive, each equal to one of `timestamps`, in time order. */
  readonly windows: readonly (readonly [number, number])[];
}

/** A row after weighting: its detector score, what a detection there is worth, and its window. */
export interface SweptPoint {
  readonly anomalyScore: number;
  /** Credit (inside a window) or penalty (outside) that a detection at this row earns. */
  readonly sweepScore: number;
  /** The window this row lies in (unique across a corpus), null outside windows. */
  readonly window: string | null;
}

export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * NAB's scaled sigmoid of a relative position: -1 is a window's left edge (0.98661), 0 its right
 * edge (0), positive values lie after the window and tend to -1; beyond 3 window widths it is -1.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3) return -1;
  return 2 * sigmoid(-5 * relativePosition) - 1;
}

export function probationaryLength(rows: number, probationPercent = NAB_PROBATION_PERCENT): number {
  return Math.min(Math.floor(probationPercent * rows), probationPercent * 5000);
}

function indexOfTimestamp(timestamps: readonly number[], t: number, series: string): number {
  const i = timestamps.indexOf(t);
  // A window edge that is not a row is a labelling error; scoring it anyway would be silently wrong.
  if (i < 0) throw new Error(`window edge ${t} is not a timestamp of ${series}`);
  return i;
}

/**
 * Weights every row of one series: a detection at row i inside a window of width w whose right
 * edge is r earns tpWeight·σ(-(r-i+1)/w)/σ(-1) (so the first row earns exactly tpWeight); outside
 * windows it costs fpWeight·σ(distance past the previous window / (its width-1)), or fpWeight·-1
 * before any window. Probationary rows are dropped (they are neither rewarded nor penalised).
 */
export function sweepSeries(
  series: LabelledSeries,
  anomalyScores: readonly number[],
  profile: CostProfile,
  probationPercent = NAB_PROBATION_PERCENT,
): SweptPoint[] {
  const { timestamps } = series;
  if (timestamps.length !== anomalyScores.length) {
    throw new Error(`${series.name}: ${anomalyScores.length} scores for ${timestamps.length} rows`);
  }
  const maxTp = scaledSigmoid(-1);
  const probation = probationaryLength(timestamps.length, probationPercent);
  const spans = series.windows.map(([start, end]) => ({
    name: `${series.name}|${start}`,
    left: indexOfTimestamp(timestamps, start, series.name),
    right: indexOfTimestamp(timestamps, end, series.name),
  }));
  const out: SweptPoint[] = [];
  let next = 0; // the next window to enter
  let current: (typeof spans)[number] | undefined;
  let previous: { right: number; width: number } | undefined;
  for (let i = 0; i < timestamps.length; i++) {
    if (!current && next < spans.length && spans[next]!.left === i) current = spans[next++];
    let sweepScore: number;
    if (current) {
      const width = current.right - current.left + 1;
      sweepScore = (scaledSigmoid(-(current.right - i + 1) / width) * profile.tpWeight) / maxTp;
    } else if (previous) {
      sweepScore = scaledSigmoid(Math.abs(previous.right - i) / (previous.width - 1)) * profile.fpWeight;
    } else {
      sweepScore = -profile.fpWeight;
    }
    if (i >= probation) out.push({ anomalyScore: anomalyScores[i]!, sweepScore, window: current ? current.name : null });
    if (current && i === current.right) {
      previous = { right: i, width: current.right - current.left + 1 };
      current = undefined;
    }
  }
  return out;
}

/**
 * The score at every distinct threshold, highest first: a row is a detection when its anomaly
 * score is ≥ the threshold. Each window counts once — its best (earliest) detection, or -fnWeight
 * when missed; every detection outside windows adds its (negative) sweep score. The first entry
 * (threshold 1.1) is "detect nothing".
 */
export function scoresByThreshold(points: readonly SweptPoint[], profile: CostProfile): ThresholdScore[] {
  const order = points.map((_, i) => i).sort((a, b) => points[b]!.anomalyScore - points[a]!.anomalyScore);
  const best = new Map<string, number>();
  let fn = 0;
  let tn = 0;
  for (const p of points) {
    if (p.window === null) tn++;
    else {
      fn++;
      best.set(p.window, -profile.fnWeight);
    }
  }
  let score = -profile.fnWeight * best.size;
  let tp = 0;
  let fp = 0;
  let threshold = 1.1;
  const out: ThresholdScore[] = [];
  for (const i of order) {
    const p = points[i]!;
    if (p.anomalyScore !== threshold) {
      out.push({ threshold, score, tp, fp, fn, tn });
      threshold = p.anomalyScore;
    }
    if (p.window === null) {
      fp++;
      tn--;
      score += p.sweepScore;
    } else {
      tp++;
      fn--;
      const had = best.get(p.window)!;
      if (p.sweepScore > had) {
        best.set(p.window, p.sweepScore);
        score += p.sweepScore - had;
      }
    }
  }
  out.push({ threshold, score, tp, fp, fn, tn });
  return out;
}

/** NAB's optimiser: the threshold with the highest corpus score (the highest such threshold on ties). */
export function optimiseThreshold(points: readonly SweptPoint[], profile: CostProfile): ThresholdScore {
  let best: ThresholdScore | undefined;
  for (const s of scoresByThreshold(points, profile)) if (!best || s.score > best.score) best = s;
  return best!;
}

/** The raw score of a fixed threshold (what NAB's score step sums per file). */
export function scoreAtThreshold(points: readonly SweptPoint[], profile: CostProfile, threshold: number): number {
  const best = new Map<string, number>();
  let fpSum = 0;
  for (const p of points) {
    if (p.window !== null && !best.has(p.window)) best.set(p.window, -profile.fnWeight);
  }
  for (const p of points) {
    if (p.anomalyScore < threshold) continue;
    if (p.window === null) fpSum += p.sweepScore;
    else best.set(p.window, Math.max(best.get(p.window)!, p.sweepScore));
  }
  let score = fpSum;
  for (const v of best.values()) score += v;
  return score;
}

/** 100·(raw − null)/(perfect − null): the null detector scores 0, detecting every window first-thing 100. */
export function normaliseScore(raw: number, nullScore: number, perfectScore: number): number {
  return (100 * (raw - nullScore)) / (perfectScore - nullScore);
}

export interface CorpusScore {
  readonly profile: ProfileName;
  readonly threshold: number;
  readonly raw: number;
  readonly nullScore: number;
  readonly perfectScore: number;
  readonly normalised: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/**
 * Scores a detector on a corpus the way NAB's optimise → score → normalise steps do. `threshold`
 * fixes the threshold (scoring on held-out data with one chosen elsewhere); omitted, it is
 * optimised on this corpus as NAB does for its leaderboard. The null score is the null detector's
 * on NAB (nothing detected: −fnWeight per scorable window); the perfect score is tpWeight per
 * labelled window (NAB's normalisation).
 */
export function scoreCorpus(
  corpus: readonly LabelledSeries[],
  scores: readonly (readonly number[])[],
  profileName: ProfileName,
  options: { threshold?: number; probationPercent?: number } = {},
): CorpusScore {
  const profile = NAB_PROFILES[profileName];
  const points: SweptPoint[] = [];
  corpus.forEach((series, i) => {
    for (const p of sweepSeries(series, scores[i]!, profile, options.probationPercent)) points.push(p);
  });
  // The null detector detects nothing: every scorable window is a miss (NAB's null results).
  const nullScore = -profile.fnWeight * new Set(points.flatMap((p) => (p.window === null ? [] : [p.window]))).size;
  const perfectScore = corpus.reduce((n, s) => n + s.windows.length, 0) * profile.tpWeight;
  let chosen: ThresholdScore;
  if (options.threshold === undefined) chosen = optimiseThreshold(points, profile);
  else {
    const t = options.threshold;
    const all = scoresByThreshold(points, profile);
    // The row of the lowest listed threshold still ≥ t: exactly the detections score ≥ t.
    chosen = all.filter((s) => s.threshold >= t).at(-1) ?? all[0]!;
    chosen = { ...chosen, threshold: t };
  }
  return {
    profile: profileName,
    threshold: chosen.threshold,
    raw: chosen.score,
    nullScore,
    perfectScore,
    normalised: normaliseScore(chosen.score, nullScore, perfectScore),
    tp: chosen.tp,
    fp: chosen.fp,
    fn: chosen.fn,
  };
}
