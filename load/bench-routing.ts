import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_TIER_THRESHOLDS,
  heuristicEstimator,
  estimateTokens,
  tierForScore,
  type ComplexityEstimate,
  type TierThresholds,
} from '../core/routing/complexity-estimator.ts';
import { CatalogueSchema, costUsd, type ModelSpec } from '../core/routing/model-spec.ts';
import { decideRoute, DEFAULT_COST_WEIGHT } from '../core/routing/route-decision.ts';
import { readRoutingTasks, type RoutingTask } from './routing-tasks.ts';
import { isOutcomeFile, runOutcomeBenchmark } from './bench-routing-outcomes.ts';

// `npm run bench:routing [-- tasks.jsonl] [--explain] [--exclude=model,model]`: cost and quality
// of `auto` routing against always using the strongest or the cheapest model, the latency of one
// routing decision, and how the router's one setting (the cost weight of the route objective) fares on
// tasks it was not tuned on: k-fold cross-validation, and the `fresh` tasks written after the
// estimator was frozen. `--exclude` drops models, e.g. `--exclude=o3` to see the figures without
// a reasoning model listed at a non-reasoning model's price.
const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
// Measured per-prompt, per-model outcome files: the honest benchmark (bench-routing-outcomes.ts).
// Without them, what follows is the bundled rubric set: a smoke test of the heuristic whose
// quality labels were assigned by hand, not measured.
if (args.some((a) => !a.startsWith('--') && isOutcomeFile(a))) {
  await runOutcomeBenchmark(args, process.env.SOMA_STATE_DIR ?? `${root}.soma`);
  process.exit(0);
}
const tasksPath = args.find((a) => !a.startsWith('--')) ?? process.env.BENCH_TASKS ?? `${root}load/data/routing-tasks.jsonl`;
const explain = args.includes('--explain');
const excluded = new Set(args.find((a) => a.startsWith('--exclude='))?.slice('--exclude='.length).split(',') ?? []);
const catalogue = CatalogueSchema.parse(JSON.parse(readFileSync(`${root}infra/models/catalogue.json`, 'utf8')));
const tasks = readRoutingTasks(tasksPath);

/** Tuning keeps at least this share of the strongest model's quality on the tasks it sees. */
const TUNE_QUALITY_TARGET = 0.96;
/** Cost weights tried (quality points per doubling of cost), from "always the cheapest adequate" down. */
const COST_WEIGHTS = [Infinity, 0.4, 0.2, 0.1, 0.05, 0.02, 0];
const FOLDS = 5;

interface Outcome {
  cost: number;
  quality: number;
}

const byId = new Map(catalogue.models.filter((m) => !excluded.has(m.id)).map((m) => [m.id, m]));
const inputTokens = (t: RoutingTask) => t.input_tokens ?? estimateTokens(t.messages.map((m) => m.content).join('\n'));
const scored = (t: RoutingTask): ModelSpec[] => Object.keys(t.quality).flatMap((id) => byId.get(id) ?? []);
const outcome = (t: RoutingTask, model: ModelSpec): Outcome => ({ cost: costUsd(model, inputTokens(t), t.output_tokens), quality: t.quality[model.id]! });

const strongest = (t: RoutingTask) => [...scored(t)].sort((a, b) => b.quality - a.quality || b.tier - a.tier)[0]!;
const cheapest = (t: RoutingTask) => [...scored(t)].sort((a, b) => costUsd(a, 1000, 1000) - costUsd(b, 1000, 1000))[0]!;

// Each task is estimated once; the tuned parts only change the tier its score maps to and the
// cost weight, so every (tier, cost weight) outcome is computed up front.
interface Row {
  task: RoutingTask;
  estimate: ComplexityEstimate;
  strongest: Outcome;
  cheapest: Outcome;
  /** [cost weight index][tier - 1] */
  auto: Outcome[][];
  chosen: string[][];
}
const rows: Row[] = tasks.map((t) => {
  const estimate = heuristicEstimator.estimate({ messages: t.messages });
  const models = scored(t);
  const chosen = COST_WEIGHTS.map((a) =>
    ([1, 2, 3, 4] as const).map((tier) => decideRoute({ ...estimate, tier }, models, { costWeight: a }).chosen.model),
  );
  return {
    task: t,
    estimate,
    strongest: outcome(t, strongest(t)),
    cheapest: outcome(t, cheapest(t)),
    auto: chosen.map((ids) => ids.map((id) => outcome(t, byId.get(id)!))),
    chosen,
  };
});

interface Setting {
  thresholds: TierThresholds;
  costWeight: number;
}

function evaluate(subset: Row[], s: Setting) {
  const a = COST_WEIGHTS.indexOf(s.costWeight);
  const picks: Record<string, number> = {};
  const total = { auto: { cost: 0, quality: 0 }, strongest: { cost: 0, quality: 0 }, cheapest: { cost: 0, quality: 0 } };
  for (const r of subset) {
    const tier = tierForScore(r.estimate.score, s.thresholds);
    // Off the precomputed grid (a default that is not one of COST_WEIGHTS): decide afresh.
    const id = a >= 0 ? r.chosen[a]![tier - 1]! : decideRoute({ ...r.estimate, tier }, scored(r.task), { costWeight: s.costWeight }).chosen.model;
    const o = a >= 0 ? r.auto[a]![tier - 1]! : outcome(r.task, byId.get(id)!);
    picks[id] = (picks[id] ?? 0) + 1;
    for (const [k, v] of [['auto', o], ['strongest', r.strongest], ['cheapest', r.cheapest]] as const) {
      total[k].cost += v.cost;
      total[k].quality += v.quality;
    }
  }
  const n = Math.max(1, subset.length);
  return {
    ...total,
    picks,
    meanQuality: { auto: total.auto.quality / n, strongest: total.strongest.quality / n, cheapest: total.cheapest.quality / n },
    costReductionPct: 100 * (1 - total.auto.cost / total.strongest.cost),
    qualityRatio: total.auto.quality / total.strongest.quality,
  };
}

/**
 * The largest cost weight (the cheapest routing) that keeps TUNE_QUALITY_TARGET of the strongest model's
 * quality on `subset` (the best quality if none does). Tier thresholds are not tuned: they are
 * fixed by the estimator's design.
 */
function tune(subset: Row[]): Setting {
  let best: { setting: Setting; quality: number } | undefined;
  for (const costWeight of COST_WEIGHTS) {
    const setting = { thresholds: DEFAULT_TIER_THRESHOLDS, costWeight };
    const e = evaluate(subset, setting);
    if (e.qualityRatio >= TUNE_QUALITY_TARGET) return setting;
    if (!best || e.auto.quality > best.quality) best = { setting, quality: e.auto.quality };
  }
  return best!.setting;
}

/** Stratified k-fold: each fold's setting is tuned on the other folds and scored on that fold. */
function crossValidate(all: Row[]) {
  const fold = new Map<Row, number>();
  const byClass = new Map<string, Row[]>();
  for (const r of all) byClass.set(r.task.class ?? '', [...(byClass.get(r.task.class ?? '') ?? []), r]);
  for (const group of byClass.values()) group.forEach((r, i) => fold.set(r, i % FOLDS));
  const total = { auto: { cost: 0, quality: 0 }, strongest: { cost: 0, quality: 0 } };
  const perFold: number[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const test = all.filter((r) => fold.get(r) === f);
    const setting = tune(all.filter((r) => fold.get(r) !== f));
    const e = evaluate(test, setting);
    total.auto.cost += e.auto.cost;
    total.auto.quality += e.auto.quality;
    total.strongest.cost += e.strongest.cost;
    total.strongest.quality += e.strongest.quality;
    perFold.push(e.qualityRatio);
  }
  return {
    costReductionPct: 100 * (1 - total.auto.cost / total.strongest.cost),
    qualityRatio: total.auto.quality / total.strongest.quality,
    minFoldQualityRatio: Math.min(...perFold),
  };
}

const defaults: Setting = { thresholds: DEFAULT_TIER_THRESHOLDS, costWeight: DEFAULT_COST_WEIGHT };
const fresh = rows.filter((r) => r.task.split === 'fresh');
const development = rows.filter((r) => r.task.split !== 'fresh');
const whole = evaluate(rows, defaults);
const tuned = tune(development);
const sweep = COST_WEIGHTS.map((costWeight) => ({ costWeight, ...evaluate(rows, { thresholds: DEFAULT_TIER_THRESHOLDS, costWeight }) }));
const cv = crossValidate(rows);
const freshResult = fresh.length ? evaluate(fresh, defaults) : undefined;

// Decision latency: estimator plus decision over the whole catalogue, as the API runs it.
const models = catalogue.models;
const samples: number[] = [];
for (let i = 0; i < 2_000; i++) decideRoute(heuristicEstimator.estimate({ messages: tasks[i % tasks.length]!.messages }), models);
for (let i = 0; i < 50_000; i++) {
  const t = tasks[i % tasks.length]!;
  const start = process.hrtime.bigint();
  decideRoute(heuristicEstimator.estimate({ messages: t.messages }), models);
  samples.push(Number(process.hrtime.bigint() - start) / 1e6);
}
samples.sort((a, b) => a - b);
const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const log = (line: string) => process.stderr.write(`${line}\n`);
log(`tasks: ${tasks.length} from ${tasksPath}${excluded.size ? ` (excluding ${[...excluded].join(', ')})` : ''}`);
const byClass = new Map<string, Row[]>();
for (const r of rows) byClass.set(r.task.class ?? '?', [...(byClass.get(r.task.class ?? '?') ?? []), r]);
const mix = [...byClass].map(([c, rs]) => `${c} ${rs.length} (${Math.round((100 * rs.length) / rows.length)}%)`);
log(`mix: ${mix.join(', ')}${fresh.length ? `; ${fresh.length} fresh` : ''}`);
for (const name of ['auto', 'strongest', 'cheapest'] as const) {
  const picks = name === 'auto' ? whole.picks : { [name === 'strongest' ? strongest(tasks[0]!).id : cheapest(tasks[0]!).id]: tasks.length };
  log(`${name.padEnd(10)} cost $${whole[name].cost.toFixed(5)}  mean quality ${whole.meanQuality[name].toFixed(3)}  picks ${JSON.stringify(picks)}`);
}
for (const [cls, rs] of byClass) {
  const e = evaluate(rs, defaults);
  const tiers = [0, 0, 0, 0];
  for (const r of rs) tiers[tierForScore(r.estimate.score, defaults.thresholds) - 1]!++;
  log(`  ${cls.padEnd(9)} estimated tiers ${tiers.join('/')}  quality ratio ${e.qualityRatio.toFixed(3)}  cost ${e.auto.cost.toFixed(5)} vs ${e.strongest.cost.toFixed(5)}`);
}
log(`cost weight (whole set): ${sweep.map((x) => `${x.costWeight} -${x.costReductionPct.toFixed(1)}% q ${x.qualityRatio.toFixed(3)}`).join(' | ')}`);
log(`default cost weight ${defaults.costWeight}; chosen on the ${development.length} development tasks: ${tuned.costWeight}; tier thresholds ${JSON.stringify(defaults.thresholds)} (fixed)`);
if (explain) {
  const a = COST_WEIGHTS.indexOf(defaults.costWeight);
  for (const r of rows) {
    const tier = tierForScore(r.estimate.score, defaults.thresholds);
    const id = r.chosen[a]![tier - 1]!;
    const q = r.auto[a]![tier - 1]!.quality;
    log(
      `${r.task.id.padEnd(14)} ${r.estimate.score.toFixed(2)} t${tier} ${id.padEnd(17)} q ${q.toFixed(3)} (strongest ${r.strongest.quality.toFixed(3)}) ${JSON.stringify(r.estimate.signals)}`,
    );
  }
}
const summary = {
  benchmark: 'smoke test: bundled rubric set (hand-assigned quality labels, not measured outcomes)',
  tasks: tasks.length,
  estimator: heuristicEstimator.name,
  cost_auto_usd: round(whole.auto.cost, 6),
  cost_strongest_usd: round(whole.strongest.cost, 6),
  cost_cheapest_usd: round(whole.cheapest.cost, 6),
  quality_auto: round(whole.meanQuality.auto),
  quality_strongest: round(whole.meanQuality.strongest),
  quality_cheapest: round(whole.meanQuality.cheapest),
  cost_reduction_pct: round(whole.costReductionPct, 2),
  quality_ratio: round(whole.qualityRatio),
  heldout_folds: FOLDS,
  heldout_cost_reduction_pct: round(cv.costReductionPct, 2),
  heldout_quality_ratio: round(cv.qualityRatio),
  heldout_min_fold_quality_ratio: round(cv.minFoldQualityRatio),
  ...(freshResult && {
    fresh_tasks: fresh.length,
    fresh_cost_reduction_pct: round(freshResult.costReductionPct, 2),
    fresh_quality_ratio: round(freshResult.qualityRatio),
  }),
  tier_thresholds: defaults.thresholds,
  cost_weight: defaults.costWeight,
  tuned_cost_weight: Number.isFinite(tuned.costWeight) ? tuned.costWeight : 'infinity',
  route_decision_p50_ms: round(pct(0.5), 5),
  route_decision_p99_ms: round(pct(0.99), 5),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
