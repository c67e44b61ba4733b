import { FEATURE_SIZE, promptFeatures, type SparseVector } from './prompt-features.ts';
import { fitPlatt, sigmoid, type LearnedRouter, type PlattScaling } from './learned-router.ts';
import { seededRandom } from './seeded-random.ts';

/**
 * The trained classifier (RouteLLM's "classifier" family, kept small): logistic regression on
 * the prompt's cheap features (prompt-features.ts) and, when given, its embedding; Platt-scaled
 * on a calibration split so the output is a probability. Deterministic for a seed.
 */
export interface LogisticModel {
  kind: 'logistic';
  /** FEATURE_SIZE hashed/shape weights, then one per embedding dimension (when trained with embeddings). */
  weights: Float32Array;
  bias: number;
  embeddingDimension: number;
  platt: PlattScaling;
}

export interface LogisticTrainingOptions {
  seed: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
}

interface Example {
  x: SparseVector;
  embedding?: Float32Array | undefined;
  y: boolean;
}

function rawScore(model: Pick<LogisticModel, 'weights' | 'bias' | 'embeddingDimension'>, x: SparseVector, embedding?: Float32Array): number {
  let z = model.bias;
  for (let i = 0; i < x.index.length; i++) z += model.weights[x.index[i]!]! * x.value[i]!;
  if (model.embeddingDimension && embedding) for (let d = 0; d < model.embeddingDimension; d++) z += model.weights[FEATURE_SIZE + d]! * embedding[d]!;
  return z;
}

/** AdaGrad SGD over a seeded shuffle; L2 applied to the weights each example touches. */
export function trainLogistic(
  train: readonly { prompt: string; embedding?: Float32Array | undefined; y: boolean }[],
  calibration: readonly { prompt: string; embedding?: Float32Array | undefined; y: boolean }[],
  options: LogisticTrainingOptions,
): LogisticModel {
  const epochs = options.epochs ?? 6;
  const lr = options.learningRate ?? 0.3;
  const l2 = options.l2 ?? 1e-5;
  const embeddingDimension = train[0]?.embedding?.length ?? 0;
  const weights = new Float32Array(FEATURE_SIZE + embeddingDimension);
  const g2 = new Float32Array(weights.length).fill(1e-8);
  let bias = 0;
  let biasG2 = 1e-8;
  const examples: Example[] = train.map((e) => ({ x: promptFeatures(e.prompt), embedding: e.embedding, y: e.y }));
  const order = examples.map((_, i) => i);
  const random = seededRandom(options.seed);
  const model = { weights, bias, embeddingDimension };
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const e = examples[k]!;
      model.bias = bias;
      const p = sigmoid(rawScore(model, e.x, e.embedding));
      const d = p - (e.y ? 1 : 0);
      for (let i = 0; i < e.x.index.length; i++) {
        const f = e.x.index[i]!;
        const g = d * e.x.value[i]! + l2 * weights[f]!;
        g2[f]! += g * g;
        weights[f]! -= (lr * g) / Math.sqrt(g2[f]!);
      }
      if (embeddingDimension && e.embedding) {
        for (let dim = 0; dim < embeddingDimension; dim++) {
          const f = FEATURE_SIZE + dim;
          const g = d * e.embedding[dim]! + l2 * weights[f]!;
          g2[f]! += g * g;
          weights[f]! -= (lr * g) / Math.sqrt(g2[f]!);
        }
      }
      biasG2 += d * d;
      bias -= (lr * d) / Math.sqrt(biasG2);
    }
  }
  model.bias = bias;
  const platt = calibration.length
    ? fitPlatt(
        calibration.map((e) => rawScore(model, promptFeatures(e.prompt), e.embedding)),
        calibration.map((e) => e.y),
      )
    : { a: 1, b: 0 };
  return { kind: 'logistic', weights, bias, embeddingDimension, platt };
}

export function logisticRouter(model: LogisticModel): LearnedRouter {
  return {
    kind: 'logistic',
    needsEmbedding: model.embeddingDimension > 0,
    pGoodEnough(prompt, embedding) {
      return sigmoid(model.platt.a * rawScore(model, promptFeatures(prompt), embedding) + model.platt.b);
    },
  };
}
