import type { OutcomeRecord } from './outcome-record.ts';
import type { OutcomePrices } from './outcome-cost.ts';
import { choosePair, routingExamples, type ModelPair, type RoutingExample } from './routing-example.ts';
import { splitOf, type SplitName } from './seeded-random.ts';
import { trainLogistic, logisticRouter, type LogisticModel } from './logistic-router.ts';
import { trainKnn, knnRouter, type KnnModel } from './knn-router.ts';
import type { LearnedRouter } from './learned-router.ts';
import type { ScoredExample } from './routing-curve.ts';

export type RouterKind = 'logistic' | 'knn';

export interface PreparedExamples {
  train: RoutingExample[];
  calibration: RoutingExample[];
  test: RoutingExample[];
  /** The pair each source is routed between (chosen on that source's training split). */
  pairs: Record<string, ModelPair>;
  /** Sources left out, and why. */
  skipped: Record<string, string>;
}

/**
 * Splits each source's records by question (seeded), picks its model pair on its training split
 * only, and turns every record into a routing example of that pair.
 */
export function prepareExamples(records: readonly OutcomeRecord[], prices: OutcomePrices, seed: number): PreparedExamples {
  const bySource = new Map<string, OutcomeRecord[]>();
  for (const r of records) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
  const out: PreparedExamples = { train: [], calibration: [], test: [], pairs: {}, skipped: {} };
  for (const [source, rs] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    const split = new Map<OutcomeRecord, SplitName>(rs.map((r) => [r, splitOf(r.prompt, seed)]));
    const pair = choosePair(rs.filter((r) => split.get(r) === 'train'), prices);
    if (!pair) {
      out.skipped[source] = `no pair: needs a priced model costing at most a fifth of the best-scoring one`;
      continue;
    }
    out.pairs[source] = pair;
    for (const r of rs) {
      const [example] = routingExamples([r], pair, prices);
      if (example) out[split.get(r)!].push(example);
    }
  }
  return out;
}

export type TrainedModel = LogisticModel | KnnModel;

export interface FitOptions {
  kind: RouterKind;
  seed: number;
  /** Embeddings by example id (required for knn; used by logistic when given). */
  embeddings?: ReadonlyMap<string, Float32Array>;
}

/** Trains one router on `train`, calibrated on `calibration`. */
export function fitRouter(train: readonly RoutingExample[], calibration: readonly RoutingExample[], options: FitOptions): { model: TrainedModel; router: LearnedRouter } {
  const emb = (e: RoutingExample) => options.embeddings?.get(e.id);
  if (options.kind === 'knn') {
    const rows = (set: readonly RoutingExample[]) => set.flatMap((e) => (emb(e) ? [{ embedding: emb(e)!, y: e.weakGoodEnough }] : []));
    const model = trainKnn(rows(train), rows(calibration));
    return { model, router: knnRouter(model) };
  }
  const rows = (set: readonly RoutingExample[]) => set.map((e) => ({ prompt: e.prompt, embedding: emb(e), y: e.weakGoodEnough }));
  const model = trainLogistic(rows(train), rows(calibration), { seed: options.seed });
  return { model, router: logisticRouter(model) };
}

export function scoreExamples(router: LearnedRouter, examples: readonly RoutingExample[], embeddings?: ReadonlyMap<string, Float32Array>): ScoredExample[] {
  return examples.flatMap((example) => {
    const embedding = embeddings?.get(example.id);
    if (router.needsEmbedding && !embedding) return [];
    return [{ example, p: router.pGoodEnough(example.prompt, embedding) }];
  });
}
