import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import ts from 'typescript';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBadDataFailure } from '../activities/fail-fast-on-bad-data.ts';
import { BAD_DATA_FAILURE } from '../platform/temporal/bad-data-failure.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import type { ExperimentInput } from '../core/experiments/experiment-types.ts';
import { classifyPostgresError } from '../platform/db/postgres-errors.ts';
import { freePort } from './support/free-port.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * Issue #10, finding 5: one bad value must not jam a workflow for ever. Bad numbers are refused at
 * the edge, stored ones are quarantined by the analysis, every activity retry is bounded, and bad
 * data fails its step at once instead of retrying.
 */

const WORKFLOWS_DIR = new URL('../workflows/', import.meta.url);
const PROXIES = new Set(['proxyActivities', 'proxyLocalActivities']);

/**
 * Every proxyActivities/proxyLocalActivities call whose options do not take `retry` from
 * boundedRetry(...): options inline or a named object, `retry` inline, shorthand or a named
 * variable, spreads followed. Returns "file:line" of each offender.
 */
function unboundedProxies(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const declarations = new Map<string, ts.Expression[]>();
  const visitDeclarations = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      declarations.set(node.name.text, [...(declarations.get(node.name.text) ?? []), node.initializer]);
    }
    ts.forEachChild(node, visitDeclarations);
  };
  visitDeclarations(file);

  const unwrap = (e: ts.Expression): ts.Expression =>
    ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) ? unwrap(e.expression) : e;
  /** What an expression may be: itself, or every initializer of the variable it names. */
  const resolve = (e: ts.Expression, seen = new Set<string>()): ts.Expression[] => {
    const inner = unwrap(e);
    if (!ts.isIdentifier(inner)) return [inner];
    const found = declarations.get(inner.text);
    if (!found || seen.has(inner.text)) return [inner];
    seen.add(inner.text);
    return found.flatMap((init) => resolve(init, seen));
  };
  const isBoundedCall = (e: ts.Expression) =>
    resolve(e).every((r) => ts.isCallExpression(r) && ts.isIdentifier(r.expression) && r.expression.text === 'boundedRetry');
  /** Whether the options object's `retry` comes from boundedRetry; undefined when it has none. */
  const retryBounded = (options: ts.Expression): boolean => {
    const candidates = resolve(options);
    return candidates.length > 0 && candidates.every((o) => {
      if (!ts.isObjectLiteralExpression(o)) return false;
      let verdict: boolean | undefined;
      for (const prop of o.properties) {
        if (ts.isPropertyAssignment(prop) && prop.name.getText(file) === 'retry') verdict = isBoundedCall(prop.initializer);
        else if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === 'retry') verdict = isBoundedCall(prop.name);
        else if (ts.isSpreadAssignment(prop)) verdict = retryBounded(prop.expression) || verdict;
      }
      return verdict === true;
    });
  };

  const offenders: string[] = [];
  const visitCalls = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && PROXIES.has(node.expression.text)) {
      const options = node.arguments[0];
      if (!options || !retryBounded(options)) offenders.push(`${fileName}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`);
    }
    ts.forEachChild(node, visitCalls);
  };
  visitCalls(file);
  return offenders;
}

describe('every activity retry in workflows/ is bounded', () => {
  const files = readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith('.ts'));

  it('takes every proxyActivities/proxyLocalActivities retry policy from boundedRetry', () => {
    const sources = files.map((f) => ({ f, source: readFileSync(join(WORKFLOWS_DIR.pathname, f), 'utf8') }));
    const proxies = sources.reduce((n, { source }) => n + (source.match(/\bproxy(Local)?Activities\s*</g)?.length ?? 0), 0);
    // completion (4), ingest-documents (2), memory-indexer, prompt-experiment, rag.
    expect(proxies).toBeGreaterThanOrEqual(9);
    expect(sources.flatMap(({ f, source }) => unboundedProxies(f, source))).toEqual([]);
  });

  it('catches the unbounded forms it is meant to catch', () => {
    const check = (body: string) => unboundedProxies('sample.ts', `import { boundedRetry } from 'x';\n${body}`);
    expect(check(`const a = proxyActivities<A>({ startToCloseTimeout: '1 minute' });`)).toHaveLength(1);
    expect(check(`const a = proxyActivities<A>({ retry: { maximumInterval: '1 minute' } });`)).toHaveLength(1);
    expect(check(`const o = { retry: { maximumAttempts: 0 } };\nconst a = proxyLocalActivities<A>(o);`)).toHaveLength(1);
    expect(check(`const a = proxyActivities<A>(options());`)).toHaveLength(1);
    expect(check(`const o = { retry: boundedRetry({ maximumAttempts: 3 }) };\nconst a = proxyActivities<A>(o);`)).toEqual([]);
    expect(check(`const retry = boundedRetry({ maximumAttempts: 3 });\nconst a = proxyActivities<A>({ summary: 's', retry });`)).toEqual([]);
    expect(check(`const base = { retry: boundedRetry({ maximumAttempts: 3 }) };\nconst a = proxyActivities<A>({ ...base, summary: 's' });`)).toEqual([]);
  });

  it('boundedRetry refuses "retry for ever" and always lists the bad-data failure as non-retryable', () => {
    expect(() => boundedRetry({ maximumAttempts: 0 })).toThrow(/maximumAttempts/);
    expect(() => boundedRetry({ maximumAttempts: Number.POSITIVE_INFINITY })).toThrow(/maximumAttempts/);
    expect(boundedRetry({ maximumAttempts: 3, nonRetryableErrorTypes: ['x'] })).toEqual({ maximumAttempts: 3, nonRetryableErrorTypes: [BAD_DATA_FAILURE, 'x'] });
  });
});

let p: TestPlatform;
let t: { tenantId: string; key: string };
const TEMPLATE = 'poison';

beforeAll(async () => {
  p = await startTestPlatform();
  t = await p.newTenant('poison');
  const created = await p.call('/v1/prompts', { key: t.key, body: { name: TEMPLATE, text: 'Answer plainly.', labels: ['production'] } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const v2 = await p.call(`/v1/prompts/${TEMPLATE}/versions`, { key: t.key, body: { text: 'Answer kindly.' } });
  expect(v2.status, JSON.stringify(v2.body)).toBe(201);
});
afterAll(async () => p?.close());

const variants = [
  { name: 'control', version: 1 },
  { name: 'kind', version: 2 },
];

async function startExperiment(body: Record<string, unknown> = {}): Promise<any> {
  const res = await p.call('/v1/experiments', {
    key: t.key,
    body: { name: 'poison', template: TEMPLATE, variants, metric: 'score', check_interval_seconds: 0.1, guardrail: null, approval_timeout_seconds: 60, ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function expose(id: string, subjects: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of subjects) {
    const r = await p.call(`/v1/experiments/${id}/assignments`, { key: t.key, body: { subject_id: s } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.set(s, r.body.variant);
  }
  return out;
}

async function waitForStatus(id: string, statuses: string[], timeoutMs = 20_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await p.call(`/v1/experiments/${id}`, { key: t.key });
    if (statuses.includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`experiment ${id} is ${res.body.status}, not ${statuses.join('/')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('experiment outcomes at the edge', () => {
  it('refuses a 1e200 (or any out-of-range) outcome with 400 and accepts the documented bound', async () => {
    const exp = await startExperiment({ min_samples_per_variant: 1000 });
    await expose(exp.id, ['edge']);
    for (const value of [1e200, -1e200, 1e12 + 1e6, -1e13]) {
      const res = await p.call(`/v1/experiments/${exp.id}/outcomes`, { key: t.key, body: { subject_id: 'edge', value } });
      expect(res.status, `${value}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'validation_failed' });
      expect(res.body.error.message).toMatch(/value/);
    }
    // JSON has no Infinity, but 1e999 parses to it.
    const infinite = await p.call(`/v1/experiments/${exp.id}/outcomes`, { key: t.key, body: '{"subject_id":"edge","value":1e999}' });
    expect(infinite.status).toBe(400);
    for (const value of [1e12, -1e12]) {
      expect((await p.call(`/v1/experiments/${exp.id}/outcomes`, { key: t.key, body: { subject_id: 'edge', value } })).status).toBe(200);
    }
    await p.client.workflow.getHandle(exp.id).cancel();
  });

  it('refuses non-finite or out-of-range experiment settings (traffic split, sample sizes, durations)', async () => {
    const base = `"name":"x","template":"${TEMPLATE}","metric":"score"`;
    const bodies = [
      `{${base},"variants":[{"name":"a","version":1,"weight":1e999},{"name":"b","version":2}]}`,
      `{${base},"variants":[{"name":"a","version":1,"weight":0},{"name":"b","version":2}]}`,
      `{${base},"variants":[{"name":"a","version":1},{"name":"b","version":2}],"min_samples_per_variant":1e300}`,
      `{${base},"variants":[{"name":"a","version":1},{"name":"b","version":2}],"max_duration_seconds":1e999}`,
      `{${base},"variants":[{"name":"a","version":1},{"name":"b","version":2}],"check_interval_seconds":-1}`,
      `{${base},"variants":[{"name":"a","version":1},{"name":"b","version":2}],"confidence":1e999}`,
    ];
    for (const body of bodies) {
      const res = await p.call('/v1/experiments', { key: t.key, body });
      expect(res.status, body).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('a stored bad outcome is quarantined, not a jam', () => {
  it('answers results with 200, counts the quarantined rows, and the workflow still reaches its decision', async () => {
    const exp = await startExperiment({ min_samples_per_variant: 4, approval_timeout_seconds: 2 });
    const subjects = Array.from({ length: 24 }, (_, i) => `q${i}`);
    const assigned = await expose(exp.id, subjects);
    const byVariant = (name: string) => subjects.filter((s) => assigned.get(s) === name);
    const [control, kind] = [byVariant('control'), byVariant('kind')];
    expect(control.length).toBeGreaterThanOrEqual(7);
    expect(kind.length).toBeGreaterThanOrEqual(7);

    // Values written before the API refused them (and one a driver could still send): straight into Postgres.
    const poison = ['1e200', '-1e300', 'NaN', 'Infinity'];
    const poisoned = [control[0]!, control[1]!, kind[0]!, kind[1]!];
    for (const [i, subject] of poisoned.entries()) {
      await p.pool.query(
        `INSERT INTO prompt_experiment_outcomes (experiment_id, subject_id, variant, value)
         SELECT experiment_id, subject_id, variant, $3::float8 FROM prompt_experiment_exposures WHERE experiment_id = $1 AND subject_id = $2`,
        [exp.id, subject, poison[i]],
      );
    }
    // Give the workflow a few checks over the poisoned rows: it must stay healthy, not retry.
    await new Promise((r) => setTimeout(r, 1500));
    const describe = await p.client.workflow.getHandle(exp.id).describe();
    expect(describe.status.name).toBe('RUNNING');
    for (const activity of describe.raw.pendingActivities ?? []) expect(activity.attempt ?? 1).toBeLessThanOrEqual(1);

    const early = await p.call(`/v1/experiments/${exp.id}/results`, { key: t.key });
    expect(early.status, JSON.stringify(early.body)).toBe(200);
    expect(early.body.quarantined_outcomes).toBe(4);
    expect(early.body.variants.map((v: any) => [v.name, v.outcomes, v.quarantined_outcomes])).toEqual([
      ['control', 0, 2],
      ['kind', 0, 2],
    ]);

    // Ordinary outcomes for the rest: the sample size counts only usable ones.
    for (const subject of subjects.filter((s) => !poisoned.includes(s))) {
      const base = assigned.get(subject) === 'kind' ? 1e11 : 5e11;
      const res = await p.call(`/v1/experiments/${exp.id}/outcomes`, { key: t.key, body: { subject_id: subject, value: base + (subject.length % 3) * 1e9 } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const waiting = await waitForStatus(exp.id, ['awaiting_approval']);
    expect(waiting.stop_reason).toBe('sample_size_reached');

    const results = await p.call(`/v1/experiments/${exp.id}/results`, { key: t.key });
    expect(results.status, JSON.stringify(results.body)).toBe(200);
    expect(results.body.quarantined_outcomes).toBe(4);
    for (const v of results.body.variants) {
      expect(v.outcomes).toBe(byVariant(v.name).length - 2);
      expect(Number.isFinite(v.mean) && Number.isFinite(v.stddev)).toBe(true);
      expect(Math.abs(v.mean)).toBeLessThanOrEqual(1e12);
    }

    // Nobody decides: the run still ends on its own (approval time-out), not stuck on the poisoned rows.
    expect(await p.client.workflow.getHandle(exp.id).result()).toMatchObject({ status: 'approval_timed_out', stopReason: 'sample_size_reached' });
  });
});

describe('bad data fails the step at once', () => {
  it('fails an experiment whose activity meets data Postgres refuses, instead of retrying for ever', async () => {
    // A NUL byte Postgres refuses as text (22021): retried, it would fail the same way for ever.
    const experimentId = `exp-poison-\u0000-${Date.now()}`;
    const input: ExperimentInput = {
      experimentId,
      tenantId: t.tenantId,
      config: {
        template: TEMPLATE, variants: variants.map((v) => ({ ...v, model: null, weight: 1 })), metric: 'score', goal: 'maximize', confidence: 0.95,
        minSamplesPerVariant: 5, maxDurationMs: 60_000, checkIntervalMs: 100, guardrail: null, approvalTimeoutMs: 60_000, promoteLabel: 'production',
      },
      startedAtMs: Date.now(),
      checks: 0,
    };
    const handle = await p.client.workflow.start('promptExperiment', {
      taskQueue: p.env.TEMPORAL_TASK_QUEUE, workflowId: `poison-nul-${Date.now()}`, args: [input], workflowExecutionTimeout: '2 minutes',
    });
    const settled = await Promise.race([
      handle.result().then(() => 'completed', (err: unknown) => err),
      new Promise((r) => setTimeout(() => r('still running after 20 s'), 20_000)),
    ]);
    await handle.terminate('test over').catch(() => undefined);
    expect(settled).toBeInstanceOf(WorkflowFailedError);
    const activity = (settled as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    expect((activity as ActivityFailure).retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    const failure = (activity as ActivityFailure).cause;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: BAD_DATA_FAILURE, nonRetryable: true });
    expect((failure as ApplicationFailure).message).toMatch(/SQLSTATE 22021/);
  });
});

describe('the Postgres error classifier, on errors the real database raises', () => {
  const errorOf = async (sql: string, params: unknown[] = []): Promise<unknown> => {
    try {
      await p.pool.query(sql, params);
    } catch (err) {
      return err;
    }
    throw new Error(`no error from: ${sql}`);
  };
  const raise = (sqlstate: string) => errorOf(`DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '${sqlstate}'; END $$`);

  it('calls numeric overflow, bad text for a type, a NUL byte and a too-deep statement bad data', async () => {
    const overflow = await errorOf('SELECT 1e308::float8 * 10');
    expect(classifyPostgresError(overflow)).toEqual({ kind: 'data', sqlstate: '22003' });
    expect(classifyPostgresError(await errorOf('SELECT var_samp(v) FROM (VALUES (1e200::float8), (-1e200::float8)) AS t(v)'))).toEqual({ kind: 'data', sqlstate: '22003' });
    expect(classifyPostgresError(await errorOf("SELECT 'abc'::int"))).toEqual({ kind: 'data', sqlstate: '22P02' });
    expect(classifyPostgresError(await errorOf('SELECT $1::text', ['a\u0000b']))).toEqual({ kind: 'data', sqlstate: '22021' });
    expect(classifyPostgresError(await errorOf('SELECT 2147483648::int'))).toEqual({ kind: 'data', sqlstate: '22003' });
    expect(classifyPostgresError(await raise('54001'))).toEqual({ kind: 'data', sqlstate: '54001' });

    const failure = asBadDataFailure(overflow);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: BAD_DATA_FAILURE, nonRetryable: true, details: [{ sqlstate: '22003' }] });
  });

  it('calls serialization, deadlock, shutdown, resources and a refused connection transient', async () => {
    for (const sqlstate of ['40001', '40P01', '57P01', '53300', '08006', '57014']) {
      expect(classifyPostgresError(await raise(sqlstate))).toEqual({ kind: 'transient', sqlstate });
    }
    const port = await freePort();
    const client = new pg.Client({ connectionString: `postgres://x:y@127.0.0.1:${port}/none`, connectionTimeoutMillis: 2000 });
    const refused = await client.connect().then(() => undefined, (err: unknown) => err);
    expect(classifyPostgresError(refused)).toEqual({ kind: 'transient', sqlstate: null });
    // Retried within the bound, not turned into a bad-data failure.
    expect(asBadDataFailure(refused)).toBe(refused);
  });

  it('leaves integrity and schema errors to the bounded retry', async () => {
    expect(classifyPostgresError(await errorOf('SELECT * FROM no_such_table_for_poison'))).toEqual({ kind: 'unknown', sqlstate: '42P01' });
    expect(classifyPostgresError(await raise('23505'))).toEqual({ kind: 'unknown', sqlstate: '23505' });
    expect(classifyPostgresError(new Error('boom'))).toEqual({ kind: 'unknown', sqlstate: null });
  });
});
