import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { heuristicEstimator, estimateTokens } from '../activities/routing/complexity-estimator.ts';
import { CatalogueSchema, costUsd, type ModelSpec } from '../activities/routing/model-spec.ts';
import { decideRoute } from '../activities/routing/route-decision.ts';
import { readRoutingTasks, type RoutingTask } from './routing-tasks.ts';

// `npm run bench:routing [tasks.jsonl]`: cost and quality of `auto` routing against always using
// the strongest or the cheapest model, and the latency of one routing decision.
const root = fileURLToPath(new URL('..', import.meta.url));
const tasksPath = process.argv[2] ?? process.env.BENCH_TASKS ?? `${root}load/data/routing-tasks.jsonl`;
const catalogue = CatalogueSchema.parse(JSON.parse(readFileSync(`${root}infra/models/catalogue.json`, 'utf8')));
const tasks = readRoutingTasks(tasksPath);

interface Outcome {
  cost: number;
  quality: number;
}

const byId = new Map(catalogue.models.map((m) => [m.id, m]));
const inputTokens = (t: RoutingTask) => t.input_tokens ?? estimateTokens(t.messages.map((m) => m.content).join('\n'));
const scored = (t: RoutingTask): ModelSpec[] => Object.keys(t.quality).flatMap((id) => byId.get(id) ?? []);

function outcome(t: RoutingTask, model: ModelSpec): Outcome {
  return { cost: costUsd(model, inputTokens(t), t.output_tokens), quality: t.quality[model.id]! };
}

function policyTotals(pick: (t: RoutingTask) => ModelSpec): Outcome & { picks: Record<string, number> } {
  const picks: Record<string, number> = {};
  let cost = 0;
  let quality = 0;
  for (const t of tasks) {
    const model = pick(t);
    picks[model.id] = (picks[model.id] ?? 0) + 1;
    const o = outcome(t, model);
    cost += o.cost;
    quality += o.quality;
  }
  return { cost, quality: quality / tasks.length, picks };
}

const strongest = (t: RoutingTask) => [...scored(t)].sort((a, b) => b.quality - a.quality || b.tier - a.tier)[0]!;
const cheapest = (t: RoutingTask) => [...scored(t)].sort((a, b) => costUsd(a, 1000, 1000) - costUsd(b, 1000, 1000))[0]!;
const auto = (t: RoutingTask) => {
  const decision = decideRoute(heuristicEstimator.estimate({ messages: t.messages }), scored(t));
  return byId.get(decision.chosen.model)!;
};

const results = { auto: policyTotals(auto), strongest: policyTotals(strongest), cheapest: policyTotals(cheapest) };

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
process.stderr.write(`tasks: ${tasks.length} from ${tasksPath}\n`);
for (const [name, r] of Object.entries(results)) {
  process.stderr.write(`${name.padEnd(10)} cost $${r.cost.toFixed(5)}  mean quality ${r.quality.toFixed(3)}  picks ${JSON.stringify(r.picks)}\n`);
}
const summary = {
  tasks: tasks.length,
  estimator: heuristicEstimator.name,
  cost_auto_usd: round(results.auto.cost, 6),
  cost_strongest_usd: round(results.strongest.cost, 6),
  cost_cheapest_usd: round(results.cheapest.cost, 6),
  quality_auto: round(results.auto.quality),
  quality_strongest: round(results.strongest.quality),
  quality_cheapest: round(results.cheapest.quality),
  cost_reduction_pct: round(100 * (1 - results.auto.cost / results.strongest.cost), 2),
  quality_ratio: round(results.auto.quality / results.strongest.quality),
  route_decision_p50_ms: round(pct(0.5), 5),
  route_decision_p99_ms: round(pct(0.99), 5),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
