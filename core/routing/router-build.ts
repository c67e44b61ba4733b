import type { Embedder } from '../embeddings/embedder.ts';
import type { OutcomeRecord } from './outcome-record.ts';
import type { OutcomePrices } from './outcome-cost.ts';
import { embedPrompts } from './prompt-embeddings.ts';
import { ROUTER_ARTEFACT_FORMAT, serializeArtefact, type RouterArtefactHeader } from './router-artefact.ts';
import { deriveThreshold, type ThresholdTarget } from './router-threshold.ts';
import { fitRouter, prepareExamples, scoreExamples, type RouterKind } from './router-training.ts';
import { auroc, costReductionAtQuality, pointAt, randomCostReductionAtQuality, routingCurve, totals } from './routing-curve.ts';

export interface BuildOptions {
  kind: RouterKind;
  seed: number;
  version: string;
  target: ThresholdTarget;
  /** Needed for knn. */
  embedder?: Embedder;
  embeddingCacheFile?: string;
  /** What the artefact says it was trained on (files, tenant, ...). */
  trainedOn: Record<string, unknown>;
  now?: Date;
}

export interface BuiltRouter {
  header: RouterArtefactHeader;
  /** The artefact file's content (JSON). */
  json: string;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Outcomes → a versioned router artefact: seeded split by question, pair per source, fit,
 * threshold derived on the calibration split from the target, figures on the test split (with
 * the same-cost random baseline and the oracle beside them). Deterministic for a seed.
 */
export async function buildRouter(records: readonly OutcomeRecord[], prices: OutcomePrices, options: BuildOptions): Promise<BuiltRouter> {
  const prepared = prepareExamples(records, prices, options.seed);
  if (prepared.train.length < 20 || prepared.calibration.length < 5) {
    throw new Error(`not enough outcomes to train: ${prepared.train.length} training and ${prepared.calibration.length} calibration examples (sources: ${JSON.stringify(prepared.skipped)})`);
  }
  let embeddings: Map<string, Float32Array> | undefined;
  if (options.kind === 'knn') {
    if (!options.embedder) throw new Error('the knn router needs the local embedding model');
    const all = [...prepared.train, ...prepared.calibration, ...prepared.test];
    const vectors = await embedPrompts(options.embedder, all.map((e) => e.prompt), options.embeddingCacheFile);
    embeddings = new Map(all.map((e, i) => [e.id, vectors[i]!]));
  }
  const { model, router } = fitRouter(prepared.train, prepared.calibration, { kind: options.kind, seed: options.seed, ...(embeddings && { embeddings }) });
  const threshold = deriveThreshold(scoreExamples(router, prepared.calibration, embeddings), options.target);
  const scored = scoreExamples(router, prepared.test, embeddings);
  const t = totals(scored);
  const point = scored.length ? pointAt(scored, threshold, t) : undefined;
  const metrics = point
    ? {
        test_prompts: scored.length,
        auroc: r4(auroc(scored)),
        quality_ratio: r4(point.qualityRatio),
        random_same_cost_quality_ratio: r4(point.randomQualityRatio),
        cost_reduction: r4(point.costReduction),
        cost_reduction_at_q95: r4(costReductionAtQuality(routingCurve(scored), 0.95)),
        random_cost_reduction_at_q95: r4(randomCostReductionAtQuality(t, 0.95)),
        oracle_cost_reduction: r4(t.strongCost ? 1 - t.oracleCost / t.strongCost : 0),
      }
    : { test_prompts: 0 };
  const header: RouterArtefactHeader = {
    format: ROUTER_ARTEFACT_FORMAT,
    version: options.version,
    created_at: (options.now ?? new Date()).toISOString(),
    seed: options.seed,
    embedder: options.kind === 'knn' ? (options.embedder?.id ?? null) : null,
    threshold: { value: Number.isFinite(threshold) ? threshold : 2, target: { ...options.target }, derived_on: `calibration split (${prepared.calibration.length} prompts)` },
    trained_on: {
      ...options.trainedOn,
      examples: { train: prepared.train.length, calibration: prepared.calibration.length, test: prepared.test.length },
      pairs: prepared.pairs,
      skipped: prepared.skipped,
    },
    metrics,
  };
  return { header, json: serializeArtefact(header, model) };
}
