// The streaming anomaly detector: a robust residual model with a likelihood layer.
//
// Why this design: production metrics (latency, error rate, cost) are heavy-tailed, have level
// shifts and flat stretches, and arrive one point at a time. So each point is judged against a
// sliding window of its own recent past with the median and MAD (robust to the anomalies
// themselves) on two views — the level and the step (first difference). Those residuals are
// not comparable across series, so, like HTM's "anomaly likelihood", the detector learns the
// distribution of its own recent raw scores and reports how improbable the last few are (a
// Gaussian tail, log-scaled to [0, 1]). New extremes beyond the range seen so far score 1 (a
// "spatial" anomaly). After a confident detection it stays quiet for a while (a share of the
// learning period, so longer for series that learned longer): one alert per incident, not one
// per sample. On a clearly periodic series (a season found by autocorrelation once the learning
// period is over) the point is judged only by its change against one season ago: there the level
// and the step are "normal" whenever the cycle turns, and only the seasonal change tells a day
// whose expected jump never came from an ordinary one. The seasonal baseline is the median of the
// same phase over the last three seasons, so one odd day does not make the next normal day look
// odd too.
//
// Deterministic and pure (numbers in, numbers out), so the NAB evaluation, the tests and the
// worker's activity run the very same code.

export interface DetectorParams {
  /** Points of recent history the median/MAD model is fitted on. */
  readonly window: number;
  /** Raw scores averaged before the likelihood is taken (smooths single-sample noise). */
  readonly shortAverage: number;
  /** Averaged raw scores the likelihood's Gaussian is fitted on. */
  readonly likelihoodHistory: number;
  /** Share of the range seen so far a new extreme must exceed to be a spatial anomaly. */
  readonly spatialMargin: number;
  /** Score at or above which the detector considers it has alerted. */
  readonly fireLevel: number;
  /** Points the detector stays silent after alerting. */
  readonly quietPoints: number;
  /** Longest season (in points) looked for; 0 turns the seasonal view off. */
  readonly maxSeason: number;
  /** Quiet period as a share of the learning period (at least quietPoints). */
  readonly quietFraction?: number;
  /** Autocorrelation a season must reach to be used. */
  readonly seasonAcf?: number;
  /** On a seasonal series, judge only the change against one season ago. */
  readonly seasonReplaces?: boolean;
  /** Seasons ago the seasonal baseline is the median of (1: the value one season ago). */
  readonly seasonDepth?: number;
}

/** The one parameter set shipped, chosen on half of NAB by `npm run eval:anomaly -- --tune` (see docs). */
export const DEFAULT_DETECTOR_PARAMS: DetectorParams = {
  window: 200,
  shortAverage: 20,
  likelihoodHistory: 1000,
  spatialMargin: 0.02,
  fireLevel: 0.5,
  quietPoints: 10,
  maxSeason: 300,
  quietFraction: 0.05,
  seasonAcf: 0.6,
  seasonReplaces: true,
  seasonDepth: 3,
};

function sortedInsert(a: number[], v: number): void {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  a.splice(lo, 0, v);
}

function sortedRemove(a: number[], v: number): void {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  a.splice(lo, 1);
}

/** Median and MAD of a sorted array (MAD by merging outward from the median: O(n)). */
function medianMad(sorted: readonly number[]): { median: number; mad: number } {
  const n = sorted.length;
  const median = n % 2 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  // The k-th smallest |x - median| merges the two sides of the median, both already in order.
  let left = (n >> 1) - (n % 2 ? 0 : 1);
  let right = n >> 1;
  if (n % 2) {
    left = (n >> 1) - 1;
    right = (n >> 1) + 1;
  }
  const target = n >> 1;
  let taken = n % 2 ? 1 : 0;
  let last = 0;
  while (taken <= target) {
    const dl = left >= 0 ? median - sorted[left]! : Infinity;
    const dr = right < n ? sorted[right]! - median : Infinity;
    if (dl <= dr) {
      last = dl;
      left--;
    } else {
      last = dr;
      right++;
    }
    taken++;
  }
  return { median, mad: last };
}

/** Sliding window with its values kept sorted, for robust location and scale. */
class RobustWindow {
  private readonly ring: number[] = [];
  private readonly sorted: number[] = [];
  private head = 0;
  constructor(private readonly size: number) {}
  get length(): number {
    return this.sorted.length;
  }
  push(v: number): void {
    if (this.ring.length < this.size) this.ring.push(v);
    else {
      sortedRemove(this.sorted, this.ring[this.head]!);
      this.ring[this.head] = v;
      this.head = (this.head + 1) % this.size;
    }
    sortedInsert(this.sorted, v);
  }
  stats(): { median: number; mad: number } {
    return medianMad(this.sorted);
  }
}

/** Running mean and variance of the last `size` values. */
class RollingMoments {
  private readonly ring: number[] = [];
  private head = 0;
  private sum = 0;
  private sumSq = 0;
  constructor(private readonly size: number) {}
  get length(): number {
    return this.ring.length;
  }
  push(v: number): void {
    if (this.ring.length < this.size) this.ring.push(v);
    else {
      const old = this.ring[this.head]!;
      this.sum -= old;
      this.sumSq -= old * old;
      this.ring[this.head] = v;
      this.head = (this.head + 1) % this.size;
    }
    this.sum += v;
    this.sumSq += v * v;
  }
  mean(): number {
    return this.sum / this.ring.length;
  }
  std(): number {
    const m = this.mean();
    return Math.sqrt(Math.max(0, this.sumSq / this.ring.length - m * m));
  }
}

/** Upper-tail probability of the standard normal (Abramowitz–Stegun 7.1.26 via erfc). */
export function normalTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Log-scales a tail probability so that 1e-10 (or less) maps to 1 and 1 maps to 0. */
function logScale(tail: number): number {
  return Math.min(1, Math.log(tail + 1e-10) / Math.log(1e-10));
}

/**
 * The dominant season of a series (the lag with the highest autocorrelation, if it is clearly
 * periodic), or 0. Computed once on the warm-up data: daily cycles are the common case.
 */
export function estimateSeason(values: readonly number[], maxLag: number, minAcf = 0.3): number {
  const n = values.length;
  if (maxLag < 4 || n < 3 * 4) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  if (variance === 0) return 0;
  const top = Math.min(maxLag, Math.floor(n / 3));
  const acf: number[] = [];
  for (let lag = 0; lag <= top + 1; lag++) {
    let c = 0;
    for (let i = lag; i < n; i++) c += (values[i]! - mean) * (values[i - lag]! - mean);
    acf.push(c / variance);
  }
  // A smooth series correlates strongly with itself at small lags: that is inertia, not a season.
  // So look only past the first lag where the correlation has died out (crossed zero), and take
  // the strongest local peak there: the season's first harmonic.
  let start = 1;
  while (start <= top && acf[start]! > 0) start++;
  let best = 0;
  let bestAcf = minAcf;
  for (let lag = Math.max(4, start); lag <= top; lag++) {
    const a = acf[lag]!;
    if (a > bestAcf && a >= acf[lag - 1]! && a >= acf[lag + 1]!) {
      bestAcf = a;
      best = lag;
    }
  }
  return best;
}

export interface Detector {
  /** Scores the next point: 0 (normal) … 1 (certainly anomalous). */
  next(value: number): number;
}

/**
 * A fresh detector. `learningPoints` are observed but scored 0 (the model has not seen enough
 * yet); NAB gives detectors its probationary length, the platform a fixed warm-up.
 */
export function createDetector(params: DetectorParams = DEFAULT_DETECTOR_PARAMS, learningPoints = 0): Detector {
  const level = new RobustWindow(params.window);
  const step = new RobustWindow(params.window);
  const quietPoints = Math.max(params.quietPoints, Math.floor(learningPoints * (params.quietFraction ?? 0)));
  const seasonal = new RobustWindow(params.window);
  const history: number[] = [];
  const seasonAt = Math.max(learningPoints, 3 * params.maxSeason);
  let season = 0;
  const recentRaw: number[] = [];
  const likelihood = new RollingMoments(params.likelihoodHistory);
  let min = Infinity;
  let max = -Infinity;
  let previous: number | undefined;
  let seen = 0;
  let quietUntil = -1;

  function residual(win: RobustWindow, v: number, floor: number): number {
    if (win.length < 10) return 0;
    const { median, mad } = win.stats();
    // A flat history (MAD 0) must not turn every wobble into infinity: a floor of the range.
    const scale = Math.max(1.4826 * mad, floor);
    return Math.abs(v - median) / scale;
  }

  return {
    next(value: number): number {
      const range = max > min ? max - min : Math.abs(value) || 1;
      const floor = range * 1e-3;
      const d = previous === undefined ? 0 : value - previous;
      let sd = 0;
      let levelResidual = residual(level, value, floor);
      if (season > 0) {
        // A third view for periodic series: the change against one season ago.
        const depth = Math.max(1, Math.min(params.seasonDepth ?? 1, Math.floor(history.length / season)));
        const past: number[] = [];
        for (let j = 1; j <= depth; j++) past.push(history[history.length - j * season]!);
        past.sort((a, b) => a - b);
        sd = value - (depth % 2 ? past[depth >> 1]! : (past[depth / 2 - 1]! + past[depth / 2]!) / 2);
        levelResidual = Math.max(levelResidual, residual(seasonal, sd, floor));
      }
      let raw = Math.max(levelResidual, residual(step, d, floor));
      if (season > 0 && params.seasonReplaces) raw = residual(seasonal, sd, floor);
      // Squash to [0, 1) so one absurd residual cannot dominate the likelihood's moments.
      const squashed = 1 - Math.exp(-raw / 4);
      recentRaw.push(squashed);
      if (recentRaw.length > params.shortAverage) recentRaw.shift();
      const avg = recentRaw.reduce((a, b) => a + b, 0) / recentRaw.length;

      let score = 0;
      if (seen >= learningPoints && likelihood.length >= 10) {
        const sd = Math.max(likelihood.std(), 1e-4);
        score = logScale(normalTail((avg - likelihood.mean()) / sd));
        const margin = params.spatialMargin * (max - min);
        if (max > min && (value > max + margin || value < min - margin)) score = 1;
      }
      likelihood.push(avg);
      level.push(value);
      if (previous !== undefined) step.push(d);
      if (season > 0) seasonal.push(sd);
      if (params.maxSeason > 0) {
        history.push(value);
        if (seen + 1 === seasonAt) season = estimateSeason(history, params.maxSeason, params.seasonAcf ?? 0.3);
        if (history.length > Math.max(seasonAt, (params.seasonDepth ?? 1) * params.maxSeason + 1)) history.shift();
      }
      previous = value;
      min = Math.min(min, value);
      max = Math.max(max, value);

      if (seen <= quietUntil) score = 0;
      else if (score >= params.fireLevel) quietUntil = seen + quietPoints;
      seen++;
      return score;
    },
  };
}

/** Scores a whole series (the NAB evaluation and the scheduled activity use this). */
export function detectSeries(values: readonly number[], params: DetectorParams = DEFAULT_DETECTOR_PARAMS, learningPoints = 0): number[] {
  const d = createDetector(params, learningPoints);
  return values.map((v) => d.next(v));
}
