import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseOutcomeLines, type OutcomeRecord } from '../core/routing/outcome-record.ts';
import { outcomePrices, type OutcomePrices } from '../core/routing/outcome-cost.ts';
import { prepareExamples, fitRouter, scoreExamples } from '../core/routing/router-training.ts';
import { auroc, bootstrapAdvantage, costReductionAtQuality, pointAt, randomCostReductionAtQuality, routingCurve, totals, type ScoredExample } from '../core/routing/routing-curve.ts';
import { deriveThreshold } from '../core/routing/router-threshold.ts';
import { heuristicEstimator } from '../core/routing/complexity-estimator.ts';
import type { RoutingExample } from '../core/routing/routing-example.ts';
import { embedPrompts, routingText } from '../core/routing/prompt-embeddings.ts';
import type { LearnedRouter } from '../core/routing/learned-router.ts';

/**
 * `npm run bench:routing -- <outcomes.jsonl> [more.jsonl] [--prices=models.json] [--seed=N]
 * [--no-knn]`: the learned routers against measured outcomes, with each data set's own models
 * and prices. Per source, a strong and a weak model (routing-example.ts's rule, chosen on the
 * training split); a seeded split by question (70% train, 15% calibration, 15% test); the one
 * threshold derived on the calibration split for a 0.95 quality ratio; every figure on the test
 * split, beside the same-cost random baseline, the oracle and the old heuristic's score used as
 * a router. A cross-family split (leave one category out: train on the others, test on it)
 * shows what happens on task kinds the router never saw.
 */
const TARGET = 0.95;
const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export function isOutcomeFile(path: string): boolean {
  if (!existsSync(path)) return false;
  const first = readFileSync(path, 'utf8').slice(0, 200_000).split('\n').find((l) => l.trim());
  return !!first && (/"outcomes"\s*:/.test(first) || /"prompt_id"\s*:/.test(first));
}

function loadOutcomes(files: readonly string[]): OutcomeRecord[] {
  const records: OutcomeRecord[] = [];
  for (const file of files) {
    const parsed = parseOutcomeLines(readFileSync(file, 'utf8'), { source: basename(file).replace(/\.jsonl$/, '') });
    if (parsed.errors.length) {
      for (const e of parsed.errors) log(`${file}:${e.line}: ${e.message}`);
      throw new Error(`${file}: ${parsed.errors.length} invalid line(s); nothing benchmarked`);
    }
    records.push(...parsed.records);
  }
  return records;
}

interface Figures {
  n: number;
  auroc: number;
  threshold: number;
  /** At the threshold derived on calibration data. */
  quality_ratio: number;
  random_same_cost_quality_ratio: number;
  cost_reduction_pct: number;
  weak_share: number;
  /** Interpolated on the test curve (RouteLLM's CPT-style figure). */
  cost_reduction_at_q95_pct: number;
  random_cost_reduction_at_q95_pct: number;
  oracle_cost_reduction_pct: number;
  oracle_quality_ratio: number;
}

function figures(scored: readonly ScoredExample[], threshold: number): Figures {
  const t = totals(scored);
  const point = pointAt(scored, threshold, t);
  const curve = routingCurve(scored);
  return {
    n: scored.length,
    auroc: round(auroc(scored)),
    threshold: round(threshold),
    quality_ratio: round(point.qualityRatio),
    random_same_cost_quality_ratio: round(point.randomQualityRatio),
    cost_reduction_pct: round(100 * point.costReduction, 2),
    weak_share: round(point.weakShare),
    cost_reduction_at_q95_pct: round(100 * costReductionAtQuality(curve, TARGET), 2),
    random_cost_reduction_at_q95_pct: round(100 * randomCostReductionAtQuality(t, TARGET), 2),
    oracle_cost_reduction_pct: round(100 * (1 - t.oracleCost / t.strongCost), 2),
    oracle_quality_ratio: round(t.oracleQuality / t.strongQuality),
  };
}

function describe(name: string, f: Figures): void {
  log(
    `${name.padEnd(28)} n ${String(f.n).padStart(5)}  AUROC ${f.auroc.toFixed(3)}  @t=${f.threshold.toFixed(3)}: cost -${f.cost_reduction_pct.toFixed(1)}% q ${f.quality_ratio.toFixed(3)} (random same cost ${f.random_same_cost_quality_ratio.toFixed(3)})  ` +
      `cost cut at q${TARGET}: router ${f.cost_reduction_at_q95_pct.toFixed(1)}% random ${f.random_cost_reduction_at_q95_pct.toFixed(1)}% oracle(max) ${f.oracle_cost_reduction_pct.toFixed(1)}%`,
  );
}

/** The old hand-written heuristic, as a router: the less complex it thinks a prompt, the likelier the weak model will do. */
const heuristicAsRouter: LearnedRouter = {
  kind: 'logistic',
  needsEmbedding: false,
  pGoodEnough: (prompt) => 1 - heuristicEstimator.estimate({ messages: [{ role: 'user', content: prompt }] }).score,
};

function latency(fn: (i: number) => void, n: number): { p50: number; p99: number } {
  for (let i = 0; i < Math.min(200, n); i++) fn(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(0.5 * n)]!, p99: samples[Math.min(n - 1, Math.floor(0.99 * n))]! };
}

export async function runOutcomeBenchmark(args: readonly string[], stateDir: string): Promise<void> {
  const files = args.filter((a) => !a.startsWith('--'));
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const seed = Number(option('seed') ?? 1);
  const pricesPath = option('prices') ?? join(dirname(files[0]!), 'models.json');
  const prices: OutcomePrices = existsSync(pricesPath) ? outcomePrices(JSON.parse(readFileSync(pricesPath, 'utf8'))) : new Map();
  const records = loadOutcomes(files);
  const prepared = prepareExamples(records, prices, seed);
  const { train, calibration, test } = prepared;
  log(`outcomes: ${records.length} prompts from ${files.map((f) => basename(f)).join(', ')}; prices ${existsSync(pricesPath) ? pricesPath : '(none: measured costs only)'}; seed ${seed}`);
  log(`split by question: train ${train.length}, calibration ${calibration.length}, test ${test.length}`);
  for (const [source, pair] of Object.entries(prepared.pairs)) log(`  ${source}: strong ${pair.strong} vs weak ${pair.weak}`);
  for (const [source, why] of Object.entries(prepared.skipped)) log(`  ${source}: skipped (${why})`);
  if (!test.length) throw new Error('no test examples: no source has a priced strong/weak pair');

  // The trained classifier on cheap features: the default learned router.
  const started = Date.now();
  const logistic = fitRouter(train, calibration, { kind: 'logistic', seed });
  log(`logistic trained in ${Date.now() - started} ms`);
  const threshold = deriveThreshold(scoreExamples(logistic.router, calibration), { qualityRatio: TARGET });
  const scoredTest = scoreExamples(logistic.router, test);
  const main = figures(scoredTest, threshold);
  describe('logistic (test)', main);

  // The heuristic the learned routers replace, scored the same way (its threshold derived the same way).
  const heuristicThreshold = deriveThreshold(scoreExamples(heuristicAsRouter, calibration), { qualityRatio: TARGET });
  const heuristic = figures(scoreExamples(heuristicAsRouter, test), heuristicThreshold);
  describe('heuristic-v2 score (test)', heuristic);

  // Per family, with a bootstrap interval of the advantage over random at the same cost.
  const families = new Map<string, ScoredExample[]>();
  for (const s of scoredTest) families.set(`${s.example.source}/${s.example.family}`, [...(families.get(`${s.example.source}/${s.example.family}`) ?? []), s]);
  const perFamily: Record<string, Figures & { advantage: { mean: number; low: number; high: number } }> = {};
  for (const [family, set] of [...families].sort(([a], [b]) => a.localeCompare(b))) {
    if (set.length < 20) continue;
    const f = figures(set, threshold);
    const advantage = bootstrapAdvantage(set, threshold, seed);
    perFamily[family] = { ...f, advantage: { mean: round(advantage.mean), low: round(advantage.low), high: round(advantage.high) } };
    log(
      `  ${family.padEnd(34)} n ${String(f.n).padStart(4)}  AUROC ${f.auroc.toFixed(3)}  q ${f.quality_ratio.toFixed(3)} vs random ${f.random_same_cost_quality_ratio.toFixed(3)}  advantage ${advantage.mean.toFixed(3)} [${advantage.low.toFixed(3)}, ${advantage.high.toFixed(3)}]  cost -${f.cost_reduction_pct.toFixed(1)}%  q95 cut ${f.cost_reduction_at_q95_pct.toFixed(1)}% (random ${f.random_cost_reduction_at_q95_pct.toFixed(1)}%)`,
    );
  }

  // Per source: each its own pair, prices and score scale.
  const perSource: Record<string, Figures> = {};
  for (const source of Object.keys(prepared.pairs)) {
    const set = scoredTest.filter((s) => s.example.source === source);
    if (set.length) describe(`  source ${source}`, (perSource[source] = figures(set, threshold)));
  }

  // Cross-family: leave one category out; pooled over the held-out categories.
  const categories = [...new Set([...train, ...calibration, ...test].map((e) => e.category))].sort();
  const crossScored: ScoredExample[] = [];
  const crossThresholds: number[] = [];
  for (const category of categories) {
    const others = (set: readonly RoutingExample[]) => set.filter((e) => e.category !== category);
    const heldOut = [...train, ...calibration, ...test].filter((e) => e.category === category);
    if (heldOut.length < 20) continue;
    const fitted = fitRouter(others(train), others(calibration), { kind: 'logistic', seed });
    const t = deriveThreshold(scoreExamples(fitted.router, others(calibration)), { qualityRatio: TARGET });
    crossThresholds.push(t);
    const scored = scoreExamples(fitted.router, heldOut);
    // Each category's examples are routed at the threshold derived without it.
    for (const s of scored) crossScored.push({ example: s.example, p: s.p >= t ? 1 + s.p : s.p - 1 });
    const f = figures(scored, t);
    log(`  cross-family, held out ${category.padEnd(15)} n ${String(f.n).padStart(5)}  AUROC ${f.auroc.toFixed(3)}  q ${f.quality_ratio.toFixed(3)} vs random ${f.random_same_cost_quality_ratio.toFixed(3)}  cost -${f.cost_reduction_pct.toFixed(1)}%`);
  }
  const cross = crossScored.length ? figures(crossScored, 1) : undefined;
  if (cross) describe('cross-family pooled', { ...cross, auroc: NaN });

  // kNN over the local MiniLM embedding, on a seeded subset (embedding every prompt takes long on 2 cores).
  let knn: (Figures & { embedded: number }) | undefined;
  let knnLatency: { p50: number; p99: number } | undefined;
  let embedLatency: { p50: number; p99: number } | undefined;
  if (!args.includes('--no-knn')) {
    const max = Number(process.env.BENCH_EMBED_MAX ?? 6000);
    const pick = <T extends RoutingExample>(set: readonly T[], share: number) => set.filter((_, i) => i % Math.max(1, Math.ceil(set.length / (share * max))) === 0);
    const kTrain = pick(train, 0.6);
    const kCal = pick(calibration, 0.2);
    const kTest = pick(test, 0.2);
    const all = [...kTrain, ...kCal, ...kTest];
    try {
      const { createLocalMiniLmEmbedder } = await import('../core/embeddings/local-minilm-embedder.ts');
      const embedder = createLocalMiniLmEmbedder({ modelDir: join(stateDir, 'models', 'all-MiniLM-L6-v2'), threads: 1 });
      log(`knn: embedding ${all.length} prompts with ${embedder.id} (cached in ${stateDir}/router-cache)…`);
      const vectors = await embedPrompts(embedder, all.map((e) => e.prompt), join(stateDir, 'router-cache', 'embeddings.tsv'), (done, total) => {
        if (done % 640 === 0 || done === total) log(`  embedded ${done}/${total}`);
      });
      const embeddings = new Map(all.map((e, i) => [e.id, vectors[i]!]));
      const fitted = fitRouter(kTrain, kCal, { kind: 'knn', seed, embeddings });
      const t = deriveThreshold(scoreExamples(fitted.router, kCal, embeddings), { qualityRatio: TARGET });
      const scored = scoreExamples(fitted.router, kTest, embeddings);
      knn = { ...figures(scored, t), embedded: all.length };
      describe('knn (test subset)', knn);
      const sameSubset = figures(scoreExamples(logistic.router, kTest), threshold);
      describe('logistic (same subset)', sameSubset);
      const testVectors = kTest.map((e) => embeddings.get(e.id)!);
      knnLatency = latency((i) => fitted.router.pGoodEnough('', testVectors[i % testVectors.length]), 2_000);
      const samples: number[] = [];
      for (const e of kTest.slice(0, 100)) {
        const start = process.hrtime.bigint();
        await embedder.embed([routingText(e.prompt)]);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      samples.sort((a, b) => a - b);
      embedLatency = { p50: samples[Math.floor(samples.length / 2)]!, p99: samples[Math.min(samples.length - 1, Math.floor(0.99 * samples.length))]! };
      log(`knn decision (given the vector) p50 ${knnLatency.p50.toFixed(3)} ms p99 ${knnLatency.p99.toFixed(3)} ms; embedding one prompt p50 ${embedLatency.p50.toFixed(1)} ms p99 ${embedLatency.p99.toFixed(1)} ms`);
    } catch (err) {
      log(`knn skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const prompts = test.map((e) => e.prompt);
  const decision = latency((i) => logistic.router.pGoodEnough(prompts[i % prompts.length]!), 20_000);
  log(`logistic decision (features + score) p50 ${decision.p50.toFixed(4)} ms p99 ${decision.p99.toFixed(4)} ms`);
  const heuristicLatency = latency((i) => heuristicAsRouter.pGoodEnough(prompts[i % prompts.length]!), 20_000);

  const summary = {
    benchmark: 'measured outcomes (held-out test split)',
    files: files.map((f) => basename(f)),
    seed,
    router: 'logistic (hashed n-grams + shape features, Platt-calibrated)',
    test_prompts: main.n,
    target_quality_ratio: TARGET,
    threshold: main.threshold,
    router_quality: main.quality_ratio,
    random_same_cost_quality: main.random_same_cost_quality_ratio,
    cost_reduction_pct: main.cost_reduction_pct,
    cost_reduction_at_q95_pct: main.cost_reduction_at_q95_pct,
    random_cost_reduction_at_q95_pct: main.random_cost_reduction_at_q95_pct,
    oracle_cost_reduction_pct: main.oracle_cost_reduction_pct,
    auroc: main.auroc,
    heuristic_auroc: heuristic.auroc,
    heuristic_cost_reduction_at_q95_pct: heuristic.cost_reduction_at_q95_pct,
    cross_family: cross && {
      prompts: cross.n,
      quality_ratio: cross.quality_ratio,
      random_same_cost_quality: cross.random_same_cost_quality_ratio,
      cost_reduction_pct: cross.cost_reduction_pct,
    },
    families_beating_random: Object.values(perFamily).filter((f) => f.advantage.low > 0).length,
    families: Object.keys(perFamily).length,
    per_family: perFamily,
    per_source: perSource,
    ...(knn && { knn }),
    route_decision_p50_ms: round(decision.p50, 5),
    route_decision_p99_ms: round(decision.p99, 5),
    heuristic_decision_p99_ms: round(heuristicLatency.p99, 5),
    ...(knnLatency && { knn_decision_p99_ms_given_embedding: round(knnLatency.p99, 4) }),
    ...(embedLatency && { embedding_p50_ms: round(embedLatency.p50, 2), embedding_p99_ms: round(embedLatency.p99, 2) }),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
