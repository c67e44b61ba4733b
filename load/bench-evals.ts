/**
 * `npm run bench:evals`: cases/s of a 1,000-case suite with deterministic graders (contains,
 * regex, numeric, exact) against the provider emulator over HTTP, through the same code the
 * `evaluate` workflow's batch activities run (core/evals/run-case-batch.ts: model call + grading),
 * batched as the workflow batches them (50 cases per batch, 4 batches in flight, 8 cases at once
 * per batch).
 *
 * Baselines in the same run: grading alone (the answers precomputed, no model calls), and the
 * same suite one case at a time (concurrency 1, one batch in flight).
 *
 * Not included (yet): the Temporal hops and the Postgres upserts of per-case results (one
 * activity and one multi-row INSERT per 50 cases); the end-to-end figure through the workflow is
 * on the TODO list. Knobs: BENCH_CASES (1000), BENCH_REPEATS (3). Last line: one JSON object.
 */
import { cpus, loadavg } from 'node:os';
import { loadEnv } from '../platform/config.ts';
import { createProviderSet } from '../core/providers/provider-set.ts';
import type { ModelCandidate } from '../core/completions/completion-types.ts';
import { createSuiteVersionSchema, type EvalCase } from '../core/evals/eval-types.ts';
import { compileDeterministicGrader, type DeterministicGrader } from '../core/evals/deterministic-graders.ts';
import { runCaseBatch } from '../core/evals/run-case-batch.ts';
import { boundedMap } from '../core/evals/bounded-map.ts';
import { createEmulator } from '../tooling/emulator/create-emulator.ts';
import { intEnv } from '../tooling/bench/bench-env.ts';

const CASES = intEnv('BENCH_CASES', 1_000, 10, 100_000);
const REPEATS = intEnv('BENCH_REPEATS', 3, 1, 20);
const BATCH = 50;
const IN_FLIGHT = 4;
const CONCURRENCY = 8;

const suite = createSuiteVersionSchema.parse({
  name: 'bench',
  graders: [{ type: 'contains' }, { type: 'regex', pattern: '^\\[simulated\\]' }, { type: 'exact', name: 'exact-miss' }],
  cases: Array.from({ length: CASES }, (_, i) => ({ messages: [{ role: 'user', content: `repeat the number ${i} please` }], expected: String(i) })),
});
const cases = suite.cases.map((c: EvalCase, i) => ({ ...c, id: `case-${i + 1}`, index: i }));

async function main(): Promise<void> {
  const emulator = await createEmulator({ latencyMs: 0 });
  const env = loadEnv({ EMULATOR_URL: emulator.url });
  const providers = createProviderSet(env, {});
  const model: ModelCandidate = { modelId: 'gpt-4o-mini', provider: 'openai', providerModel: 'gpt-4o-mini', contextWindow: 128_000, pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 } };

  const suiteRun = async (inFlight: number, concurrency: number): Promise<number> => {
    const batches: Array<typeof cases> = [];
    for (let s = 0; s < cases.length; s += BATCH) batches.push(cases.slice(s, s + BATCH));
    const t0 = performance.now();
    const out = await boundedMap(batches, inFlight, (b) => runCaseBatch({ providers }, { candidateIndex: 0, model, parameters: {}, graders: suite.graders, cases: b, concurrency }));
    const seconds = (performance.now() - t0) / 1000;
    const results = out.flat();
    if (results.some((r) => r.error !== null)) throw new Error(`a case failed: ${results.find((r) => r.error)!.error}`);
    if (results.filter((r) => r.grades[0]!.passed).length !== cases.length) throw new Error('contains grader did not pass every case: the run is not what it claims');
    return cases.length / seconds;
  };

  // Grading alone: the emulator's answers fetched once, then only the graders run.
  const answers = (await boundedMap(cases, 16, async (c) => (await providers.get('openai')!.generate({ model: 'gpt-4o-mini', messages: c.messages! })).text));
  const graders = suite.graders.map((g) => compileDeterministicGrader(g as DeterministicGrader));
  const gradingOnly = (): number => {
    const t0 = performance.now();
    let passed = 0;
    for (let i = 0; i < cases.length; i += 1) for (const g of graders) passed += g(answers[i]!, cases[i]!.expected).passed ? 1 : 0;
    if (passed < cases.length) throw new Error('grading baseline graded nothing');
    return cases.length / ((performance.now() - t0) / 1000);
  };

  await suiteRun(IN_FLIGHT, CONCURRENCY); // warm-up: connections, JIT
  const batched: number[] = [];
  const sequential: number[] = [];
  const grading: number[] = [];
  for (let r = 0; r < REPEATS; r += 1) {
    batched.push(await suiteRun(IN_FLIGHT, CONCURRENCY));
    sequential.push(await suiteRun(1, 1));
    grading.push(gradingOnly());
  }
  await emulator.close();
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;
  const round = (v: number): number => Math.round(v * 10) / 10;
  const result = {
    cases: CASES,
    cases_per_s: round(median(batched)),
    baseline_sequential_cases_per_s: round(median(sequential)),
    baseline_grading_only_cases_per_s: round(median(grading)),
    goal_cases_per_s: 200,
    repeats: REPEATS,
    scope: 'batch activity path (model call over HTTP + graders); excludes Temporal hops and Postgres writes',
    cores: cpus().length,
    load_at_end: round(loadavg()[0] ?? 0),
  };
  process.stderr.write(`[bench] evals: ${CASES} cases x ${REPEATS}: batched ${result.cases_per_s} cases/s; one at a time ${result.baseline_sequential_cases_per_s}; grading alone ${result.baseline_grading_only_cases_per_s}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
