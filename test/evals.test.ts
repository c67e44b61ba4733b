/**
 * Evaluations: every grader on crafted answers, the regex guard, the paired comparison on
 * synthetic data whose answers are known in closed form, and the suite/run schemas' refusals.
 * The similarity grader runs the real bundled local embedding model.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { createTenantStore } from '../stores/tenants.ts';
import { createEvalSuiteStore } from '../stores/eval-suites.ts';
import { createEvalRunStore } from '../stores/eval-runs.ts';
import type { EvaluateInput, EvaluateResult } from '../core/evals/eval-types.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { WorkflowFailedError } from '@temporalio/client';
import { alertWorkflowId } from '../core/ops/alert-intake.ts';
import { KIND, MODEL, TENANT } from '../platform/temporal/search-attributes.ts';
import { loadEnv } from '../platform/config.ts';
import { createEmbedder } from '../core/embeddings/create-embedder.ts';
import { compileDeterministicGrader, type DeterministicGrader } from '../core/evals/deterministic-graders.ts';
import { createSuiteVersionSchema, evaluateInputSchema, graderSchema } from '../core/evals/eval-types.ts';
import { comparePaired, exactSignTest, isRegression, pairedBootstrap, seededRandom } from '../core/evals/paired-comparison.ts';
import { regexProblem } from '../core/evals/regex-guard.ts';
import { cosineSimilarity, gradeSimilarity, type SimilarityGrader } from '../core/evals/similarity-grader.ts';

function grader(raw: unknown): DeterministicGrader {
  return graderSchema.parse(raw) as DeterministicGrader;
}

describe('deterministic graders', () => {
  it('exact: trims and is case-sensitive by default; case-insensitive on request', () => {
    const exact = compileDeterministicGrader(grader({ type: 'exact' }));
    expect(exact(' Paris\n', 'Paris').passed).toBe(true);
    expect(exact('paris', 'Paris').passed).toBe(false);
    expect(compileDeterministicGrader(grader({ type: 'exact', caseSensitive: false }))('paris', 'Paris').score).toBe(1);
    expect(exact('Paris', undefined)).toMatchObject({ passed: false, detail: 'case has no expected answer' });
  });

  it('contains: case-insensitive by default', () => {
    const contains = compileDeterministicGrader(grader({ type: 'contains' }));
    expect(contains('The capital is PARIS.', 'paris').passed).toBe(true);
    expect(contains('The capital is Lyon.', 'paris').passed).toBe(false);
  });

  it('regex: matches, and refuses patterns that backtrack catastrophically', () => {
    const re = compileDeterministicGrader(grader({ type: 'regex', pattern: '^\\d{3}-\\d{4}$' }));
    expect(re('555-1234', undefined).passed).toBe(true);
    expect(re('555-12345', undefined).passed).toBe(false);
    for (const bad of ['(a+)+$', '(a|aa)*b', '(x*)*y', '(\\w+\\s?)+$', '(a)\\1']) {
      expect(regexProblem(bad), bad).not.toBeNull();
      expect(() => compileDeterministicGrader(grader({ type: 'regex', pattern: bad })), bad).toThrow(RangeError);
    }
    for (const good of ['^(ab)+$', '[ab]+', 'foo|bar', '(foo|bar)', '^\\s*\\{.*\\}\\s*$']) expect(regexProblem(good), good).toBeNull();
    expect(regexProblem('(unclosed')).toMatch(/invalid regular expression/);
    // Without the guard this pattern takes exponential time on this input; the guard refuses it up front.
    const started = Date.now();
    expect(regexProblem('^(a+)+$')).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('json_schema: validity of the answer against the schema', () => {
    const json = compileDeterministicGrader(
      grader({ type: 'json_schema', schema: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } } }),
    );
    expect(json('{"city":"Paris"}', undefined).passed).toBe(true);
    expect(json('{"town":"Paris"}', undefined)).toMatchObject({ passed: false });
    expect(json('not json', undefined)).toMatchObject({ passed: false, detail: 'answer is not JSON' });
    expect(() => compileDeterministicGrader(grader({ type: 'json_schema', schema: { type: 'no-such-type' } }))).toThrow(/invalid JSON schema/);
  });

  it('numeric: absolute and relative tolerance, number found inside text', () => {
    const abs = compileDeterministicGrader(grader({ type: 'numeric', absolute: 0.01 }));
    expect(abs('The answer is 3.141', '3.14').passed).toBe(true);
    expect(abs('3.2', '3.14').passed).toBe(false);
    expect(abs('no number here', '3.14')).toMatchObject({ passed: false, detail: 'answer holds no number' });
    const rel = compileDeterministicGrader(grader({ type: 'numeric', relative: 0.05 }));
    expect(rel('1,040', '1000').passed).toBe(true);
    expect(rel('1,060', '1000').passed).toBe(false);
  });
});

describe('embedding similarity grader (real local model)', () => {
  it('scores a paraphrase above an unrelated answer', async () => {
    const embedder = createEmbedder(loadEnv({ SOMA_STATE_DIR: process.env.SOMA_STATE_DIR ?? '.soma' }));
    const g = graderSchema.parse({ type: 'embedding_similarity', threshold: 0.6 }) as SimilarityGrader;
    const [close, far, none] = await gradeSimilarity(embedder, g, [
      { output: 'The capital city of France is Paris.', expected: 'Paris is the capital of France.' },
      { output: 'Bananas are rich in potassium.', expected: 'Paris is the capital of France.' },
      { output: 'anything', expected: undefined },
    ]);
    expect(close!.score).toBeGreaterThan(far!.score);
    expect(close!.passed).toBe(true);
    expect(far!.passed).toBe(false);
    expect(none!.passed).toBe(false);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 10);
  }, 120_000);
});

describe('paired comparison (synthetic data, known answers)', () => {
  it('exact sign test matches the binomial in closed form', () => {
    expect(exactSignTest(10, 0)).toBeCloseTo(2 / 1024, 12);
    // McNemar exact: 8 discordant pairs one way, 2 the other: 2 * (C(10,0)+C(10,1)+C(10,2)) / 2^10.
    expect(exactSignTest(8, 2)).toBeCloseTo((2 * (1 + 10 + 45)) / 1024, 12);
    expect(exactSignTest(5, 5)).toBe(1);
    expect(exactSignTest(0, 0)).toBe(1);
    // Large n stays finite and tiny: 1,000 vs 0.
    expect(exactSignTest(1000, 0)).toBeLessThan(1e-200);
  });

  it('bootstrap: a constant shift gives a degenerate interval at the shift; identical candidates give 0', () => {
    const base = Array.from({ length: 50 }, (_, i) => (i % 10) / 10);
    const shifted = base.map((v) => v + 0.1);
    const boot = pairedBootstrap(base, shifted, { seed: 7 });
    expect(boot.meanDifference).toBeCloseTo(0.1, 12);
    expect(boot.ci95[0]).toBeCloseTo(0.1, 12);
    expect(boot.ci95[1]).toBeCloseTo(0.1, 12);
    const same = pairedBootstrap(base, base);
    expect(same).toMatchObject({ meanDifference: 0, ci95: [0, 0], pValue: 1 });
  });

  it('bootstrap interval covers the true difference of a known distribution, and is seeded', () => {
    // Candidate = baseline + 0.05 + noise uniform(-0.2, 0.2): true mean difference 0.05.
    const random = seededRandom(42);
    const base = Array.from({ length: 400 }, () => random());
    const cand = base.map((v) => v + 0.05 + (random() - 0.5) * 0.4);
    const a = pairedBootstrap(base, cand, { seed: 3 });
    expect(a.ci95[0]).toBeLessThan(0.05);
    expect(a.ci95[1]).toBeGreaterThan(0.05);
    // Standard error of the mean is 0.4/sqrt(12)/sqrt(400) ≈ 0.00577: the 95% interval is about ±0.0113 wide.
    expect(a.ci95[1] - a.ci95[0]).toBeGreaterThan(0.015);
    expect(a.ci95[1] - a.ci95[0]).toBeLessThan(0.03);
    expect(pairedBootstrap(base, cand, { seed: 3 })).toEqual(a);
  });

  it('binary scores: McNemar on discordant pairs; regression only when below the margin AND significant', () => {
    // 100 cases: both right on 60, both wrong on 20, baseline-only right on 15, candidate-only right on 5.
    const base: number[] = [];
    const cand: number[] = [];
    const push = (b: number, c: number, times: number): void => {
      for (let i = 0; i < times; i += 1) { base.push(b); cand.push(c); }
    };
    push(1, 1, 60); push(0, 0, 20); push(1, 0, 15); push(0, 1, 5);
    const cmp = comparePaired(base, cand, { binary: true });
    expect(cmp.test).toBe('mcnemar_exact');
    expect(cmp.meanDifference).toBeCloseTo(-0.1, 12);
    // Exact two-sided binomial(20, 1/2) at k <= 5: 2 * 21700 / 2^20.
    expect(cmp.pValue).toBeCloseTo((2 * 21700) / 1048576, 10);
    expect(cmp.significant).toBe(true);
    expect(isRegression(cmp, 0.05)).toBe(true);
    expect(isRegression(cmp, 0.2)).toBe(false);
    // The same 10-point drop on only 10 cases is not significant: no regression.
    const small = comparePaired([1, 1, 0, 1, 1, 1, 1, 1, 1, 1], [1, 0, 0, 1, 1, 1, 1, 1, 1, 1], { binary: true });
    expect(small.significant).toBe(false);
    expect(isRegression(small, 0.05)).toBe(false);
    expect(() => comparePaired([1], [1, 0])).toThrow(RangeError);
  });
});

describe('suite and run schemas refuse bad input', () => {
  it('refuses a case with neither messages nor variables, an empty suite, and bad names', () => {
    const ok = { name: 'qa', graders: [{ type: 'exact' }], cases: [{ messages: [{ role: 'user', content: 'hi' }], expected: 'hi' }] };
    expect(createSuiteVersionSchema.safeParse(ok).success).toBe(true);
    expect(createSuiteVersionSchema.safeParse({ ...ok, cases: [{ expected: 'x' }] }).success).toBe(false);
    expect(createSuiteVersionSchema.safeParse({ ...ok, cases: [] }).success).toBe(false);
    expect(createSuiteVersionSchema.safeParse({ ...ok, name: 'Bad Name' }).success).toBe(false);
    expect(createSuiteVersionSchema.safeParse({ ...ok, graders: [{ type: 'regex', pattern: 'a', flags: 'g' }] }).success).toBe(false);
    expect(evaluateInputSchema.safeParse({ tenantId: 't', runId: 'r', suite: { name: 'qa', version: 1 }, candidates: [] }).success).toBe(false);
  });
});

describe('suite and run stores (real Postgres)', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(inject('databaseUrl'), 2);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('versions are immutable, identical content is not a new version, labels move; tenants are isolated', async () => {
    const tenants = createTenantStore(pool);
    const a = await tenants.create('evals-a');
    const b = await tenants.create('evals-b');
    const suites = createEvalSuiteStore(pool);
    const body = createSuiteVersionSchema.parse({ name: 'qa', graders: [{ type: 'exact' }], cases: [{ messages: [{ role: 'user', content: '2+2?' }], expected: '4' }], labels: ['production'] });
    const v1 = await suites.createVersion(a.id, body);
    expect(v1).toMatchObject({ created: true, suite: { version: 1, labels: ['production'] } });
    expect(v1.suite.cases[0]!.id).toBe('case-1');
    expect((await suites.createVersion(a.id, body)).created).toBe(false);
    const v2 = await suites.createVersion(a.id, { ...body, labels: [], cases: [...body.cases, { messages: [{ role: 'user', content: '3+3?' }], expected: '6' }] });
    expect(v2.suite.version).toBe(2);
    expect(v2.suite.contentHash).not.toBe(v1.suite.contentHash);
    expect((await suites.get(a.id, 'qa', { label: 'production' }))!.version).toBe(1);
    expect((await suites.get(a.id, 'qa'))!.version).toBe(2);
    expect(await suites.setLabel(a.id, 'qa', 'production', 2)).toBe(true);
    expect(await suites.setLabel(a.id, 'qa', 'production', 9)).toBe(false);
    expect((await suites.get(a.id, 'qa', { label: 'production' }))!.version).toBe(2);
    expect(await suites.list(a.id)).toEqual([expect.objectContaining({ name: 'qa', latestVersion: 2, caseCount: 2, labels: { production: 2 } })]);
    // Another tenant sees nothing of it.
    expect(await suites.get(b.id, 'qa')).toBeNull();
    expect(await suites.list(b.id)).toEqual([]);
    await expect(suites.createVersion(a.id, { ...body, cases: [{ id: 'x', messages: [{ role: 'user', content: 'a' }] }, { id: 'x', messages: [{ role: 'user', content: 'b' }] }] })).rejects.toThrow(/duplicate case id x/);

    const runs = createEvalRunStore(pool);
    await runs.start({ tenantId: a.id, id: 'eval-run-1', suite: { name: 'qa', version: 2 }, candidates: [{ model: 'gpt-4o-mini' }] });
    await runs.start({ tenantId: a.id, id: 'eval-run-1', suite: { name: 'qa', version: 2 }, candidates: [{ model: 'gpt-4o-mini' }] });
    const row = { candidate: 0, caseId: 'case-1', caseIndex: 0, output: '4', error: null, grades: [{ grader: 'exact', type: 'exact' as const, score: 1, passed: true }], score: 1, costUsd: 0.001, latencyMs: 12, simulated: true };
    await runs.saveResults(a.id, 'eval-run-1', [row, { ...row, caseId: 'case-2', caseIndex: 1, output: '5', score: 0 }]);
    // A retried batch upserts: still two rows.
    await runs.saveResults(a.id, 'eval-run-1', [row]);
    expect(await runs.results(a.id, 'eval-run-1')).toHaveLength(2);
    expect(await runs.results(b.id, 'eval-run-1')).toEqual([]);
    const result = { runId: 'eval-run-1', status: 'succeeded', suite: { name: 'qa', version: 2 }, cases: 2, candidates: [], weakJudge: false } satisfies EvaluateResult;
    await runs.finish(a.id, 'eval-run-1', result, true);
    expect(await runs.get(a.id, 'eval-run-1')).toMatchObject({ status: 'succeeded', accepted: true, summary: { cases: 2 } });
    expect(await runs.get(b.id, 'eval-run-1')).toBeNull();
    expect((await runs.lastAccepted(a.id, 'qa', 'other'))!.id).toBe('eval-run-1');
    expect(await runs.lastAccepted(a.id, 'qa', 'eval-run-1')).toBeNull();
  });
});

describe('evaluate workflow (real Temporal, worker, Postgres and emulator)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  // The emulator echoes the user's words: the full answer contains the keyword at the end of the
  // question; an answer cut at 4 tokens does not. So candidate 0 passes every case, candidate 1 none.
  const cases = Array.from({ length: 20 }, (_, i) => ({ messages: [{ role: 'user' as const, content: `please repeat after me: keyword${i}` }], expected: `keyword${i}` }));
  const run = async (tenantId: string, id: string, input: Partial<EvaluateInput>): Promise<EvaluateResult> =>
    p.client.workflow.execute('evaluate', {
      taskQueue: p.env.TEMPORAL_TASK_QUEUE,
      workflowId: id,
      args: [{ tenantId, runId: id, suite: { name: 'echo', version: 1 }, candidates: [{ model: 'gpt-4o-mini' }], ...input }],
    });

  it('runs two candidates end to end, records per-case results, and compares them with McNemar', async () => {
    const { tenantId } = await p.newTenant('evals-e2e');
    const suites = createEvalSuiteStore(p.pool);
    await suites.createVersion(tenantId, createSuiteVersionSchema.parse({ name: 'echo', graders: [{ type: 'contains' }, { type: 'regex', pattern: 'simulated' }], cases }));
    const result = await run(tenantId, `eval-e2e-${Date.now()}`, {
      candidates: [{ model: 'gpt-4o-mini' }, { model: 'gpt-4o-mini', parameters: { maxTokens: 4 }, label: 'short' }],
      concurrency: 4,
    });
    expect(result.status).toBe('succeeded');
    expect(result.cases).toBe(20);
    const [full, short] = result.candidates;
    expect(full).toMatchObject({ meanScore: 1, passRate: 1, errors: 0, perGrader: { contains: { passRate: 1 }, regex: { passRate: 1 } } });
    expect(short!.label).toBe('short');
    expect(short!.perGrader.contains!.passRate).toBe(0);
    expect(short!.vsBaseline).toMatchObject({ n: 20, test: 'mcnemar_exact', significant: true });
    expect(short!.vsBaseline!.meanDifference).toBeLessThan(-0.4);
    expect(short!.vsBaseline!.pValue).toBeCloseTo(2 / 2 ** 20, 12);
    expect(full!.costUsd).toBeGreaterThan(0);
    const rows = await createEvalRunStore(p.pool).results(tenantId, result.runId);
    expect(rows).toHaveLength(40);
    expect(rows[0]).toMatchObject({ candidate: 0, caseId: 'case-1', simulated: true });
    expect(rows[0]!.output).toContain('keyword0');
  }, 120_000);

  it('a regression against the last accepted run (below the margin and significant) fails the run', async () => {
    const { tenantId } = await p.newTenant('evals-regression');
    await createEvalSuiteStore(p.pool).createVersion(tenantId, createSuiteVersionSchema.parse({ name: 'echo', graders: [{ type: 'contains' }], cases }));
    const first = await run(tenantId, `eval-ref-${Date.now()}`, { regression: { margin: 0.1, alpha: 0.05 } });
    expect(first).toMatchObject({ status: 'succeeded', regression: { previousRunId: null, regressed: false } });
    const same = await run(tenantId, `eval-same-${Date.now()}`, { regression: { margin: 0.1, alpha: 0.05 } });
    expect(same).toMatchObject({ status: 'succeeded', regression: { previousRunId: first.runId, regressed: false } });
    const worse = await run(tenantId, `eval-worse-${Date.now()}`, { candidates: [{ model: 'gpt-4o-mini', parameters: { maxTokens: 4 } }], regression: { margin: 0.1, alpha: 0.05 } });
    expect(worse.status).toBe('failed_regression');
    expect(worse.regression).toMatchObject({ previousRunId: same.runId, regressed: true, comparison: { significant: true } });
    const stored = await createEvalRunStore(p.pool).get(tenantId, worse.runId);
    expect(stored).toMatchObject({ status: 'failed_regression', accepted: false });
    // The regression went into the alert path: an `alert` run exists for it, and the eval run is filterable in the Web UI.
    const alert = await p.client.workflow.getHandle(alertWorkflowId(`eval-regression:${tenantId}:echo:${worse.runId}`)).describe();
    expect(alert.type).toBe('alert');
    expect(alert.typedSearchAttributes.get(KIND)).toBe('alert');
    const described = await p.client.workflow.getHandle(worse.runId).describe();
    expect(described.typedSearchAttributes.get(TENANT)).toBe(tenantId);
    expect(described.typedSearchAttributes.get(KIND)).toBe('evaluate');
    expect(described.typedSearchAttributes.get(MODEL)).toBe('gpt-4o-mini');
    // No alert for the runs that did not regress.
    await expect(p.client.workflow.getHandle(alertWorkflowId(`eval-regression:${tenantId}:echo:${same.runId}`)).describe()).rejects.toThrow();
  }, 120_000);

  it('bad input fails fast (no retries): a missing suite version, an invalid input', async () => {
    const { tenantId } = await p.newTenant('evals-bad');
    await expect(run(tenantId, `eval-missing-${Date.now()}`, { suite: { name: 'nope', version: 3 } })).rejects.toThrow(WorkflowFailedError);
    await expect(run(tenantId, `eval-invalid-${Date.now()}`, { candidates: [] })).rejects.toThrow(WorkflowFailedError);
  }, 60_000);
});
