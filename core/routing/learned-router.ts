/**
 * A router learned from measured outcomes: the calibrated probability that the cheaper model of
 * a pair answers a prompt as well as the stronger one. One threshold turns it into a decision
 * (route to the cheaper model when the probability is at least the threshold); the threshold is
 * derived on held-out data from a target quality ratio or a cost budget (router-threshold.ts).
 */
export interface LearnedRouter {
  readonly kind: 'logistic' | 'knn';
  /** True when `pGoodEnough` needs the prompt's embedding (the local MiniLM model's vector). */
  readonly needsEmbedding: boolean;
  pGoodEnough(prompt: string, embedding?: Float32Array): number;
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Platt scaling: p = sigmoid(a·z + b) over a raw score z, fitted on held-out examples. */
export interface PlattScaling {
  a: number;
  b: number;
}

/**
 * Fits Platt scaling by Newton's method on (raw score, label) pairs, with the usual smoothed
 * targets so a separable calibration set does not push a to infinity.
 */
export function fitPlatt(scores: readonly number[], labels: readonly boolean[]): PlattScaling {
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let g1 = 0, g2 = 0, h11 = 0, h22 = 0, h12 = 0;
    for (let i = 0; i < scores.length; i++) {
      const z = scores[i]!;
      const t = labels[i] ? hi : lo;
      const p = sigmoid(a * z + b);
      const d = p - t;
      const w = Math.max(p * (1 - p), 1e-12);
      g1 += d * z;
      g2 += d;
      h11 += w * z * z;
      h22 += w;
      h12 += w * z;
    }
    h11 += 1e-9;
    h22 += 1e-9;
    const det = h11 * h22 - h12 * h12;
    if (Math.abs(det) < 1e-18) break;
    const da = (h22 * g1 - h12 * g2) / det;
    const db = (h11 * g2 - h12 * g1) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}
