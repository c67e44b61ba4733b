import { fitPlatt, sigmoid, type LearnedRouter, type PlattScaling } from './learned-router.ts';

/**
 * Embedding k-nearest-neighbour router (RouteLLM's similarity-weighted family): the share of the
 * most similar training prompts (by the local MiniLM embedding's cosine similarity) on which the
 * cheaper model was good enough, each neighbour weighted by exp(similarity / temperature) and
 * shrunk toward the training prior; Platt-scaled on a calibration split.
 */
export interface KnnModel {
  kind: 'knn';
  dimension: number;
  /** Row-major, L2-normalised training embeddings. */
  embeddings: Float32Array;
  labels: Uint8Array;
  k: number;
  temperature: number;
  prior: number;
  /** Pseudo-count of the prior. */
  priorWeight: number;
  platt: PlattScaling;
}

export interface KnnTrainingOptions {
  k?: number;
  temperature?: number;
  priorWeight?: number;
}

function rawKnn(m: Omit<KnnModel, 'platt' | 'kind'>, q: Float32Array, skip = -1): number {
  const n = m.labels.length;
  const topSim = new Float32Array(m.k).fill(-Infinity);
  const topIdx = new Int32Array(m.k).fill(-1);
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    let s = 0;
    const off = i * m.dimension;
    for (let d = 0; d < m.dimension; d++) s += m.embeddings[off + d]! * q[d]!;
    if (s <= topSim[m.k - 1]!) continue;
    let j = m.k - 1;
    while (j > 0 && topSim[j - 1]! < s) {
      topSim[j] = topSim[j - 1]!;
      topIdx[j] = topIdx[j - 1]!;
      j--;
    }
    topSim[j] = s;
    topIdx[j] = i;
  }
  let num = m.prior * m.priorWeight;
  let den = m.priorWeight;
  for (let j = 0; j < m.k; j++) {
    if (topIdx[j]! < 0) break;
    const w = Math.exp((topSim[j]! - 1) / m.temperature);
    num += w * m.labels[topIdx[j]!]!;
    den += w;
  }
  const p = Math.min(1 - 1e-6, Math.max(1e-6, num / den));
  return Math.log(p / (1 - p));
}

export function trainKnn(
  train: readonly { embedding: Float32Array; y: boolean }[],
  calibration: readonly { embedding: Float32Array; y: boolean }[],
  options: KnnTrainingOptions = {},
): KnnModel {
  const dimension = train[0]?.embedding.length ?? 0;
  const embeddings = new Float32Array(train.length * dimension);
  train.forEach((e, i) => embeddings.set(e.embedding, i * dimension));
  const labels = Uint8Array.from(train.map((e) => (e.y ? 1 : 0)));
  const prior = train.length ? labels.reduce((a, b) => a + b, 0) / train.length : 0.5;
  const base = { dimension, embeddings, labels, k: options.k ?? 32, temperature: options.temperature ?? 0.05, prior, priorWeight: options.priorWeight ?? 1 };
  const platt = calibration.length ? fitPlatt(calibration.map((e) => rawKnn(base, e.embedding)), calibration.map((e) => e.y)) : { a: 1, b: 0 };
  return { kind: 'knn', ...base, platt };
}

export function knnRouter(model: KnnModel): LearnedRouter {
  return {
    kind: 'knn',
    needsEmbedding: true,
    pGoodEnough(_prompt, embedding) {
      if (!embedding) throw new Error('the knn router needs the prompt embedding');
      return sigmoid(model.platt.a * rawKnn(model, embedding) + model.platt.b);
    },
  };
}
