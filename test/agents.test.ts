import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { readSse, type SseEvent } from './support/sse.ts';
import { SomaAgent, type AgentEvent } from '../sdk/typescript/src/index.ts';
import type { AgentRunInput } from '../core/agents/agent-types.ts';
import { KIND, TENANT } from '../platform/temporal/search-attributes.ts';

/**
 * The durable `agent` workflow against the real stack: the emulator calls the tools named in
 * the user's message and answers `Tool results: …` once they came back; the HTTP tool reaches a
 * local test server the operator opted in through the outbound allow-list.
 */

let p: TestPlatform;
let server: ReturnType<typeof createServer>;
let port: number;
/** What the test server saw: one entry per request, with its query and Idempotency-Key. */
const hits: Array<{ q: string | null; key: string | undefined }> = [];

const A: { tenantId: string; admin: string; approver: { key: string; id: string; name: string }; member: string } = {} as never;
const B: { tenantId: string; admin: string } = {} as never;

function expectStatus(res: { status: number; body: unknown }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
}

async function defineTool(key: string, name: string, requiresApproval: boolean) {
  const res = await p.call('/v1/tools', {
    key,
    body: {
      name,
      kind: 'http',
      description: 'Looks a word up in the test wiki',
      input_schema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
      requires_approval: requiresApproval,
      timeout_ms: 5_000,
      http: { method: 'GET', url: `http://127.0.0.1:${port}/lookup?q={q}`, allow_private_network: true },
    },
  });
  expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
}

async function defineAgent(key: string, body: Record<string, unknown>) {
  const res = await p.call('/v1/agents', { key, body: { model: 'gpt-4o-mini', instructions: 'You are a careful research assistant.', ...body } });
  expectStatus(res, 201);
  return res.body;
}

async function runAgent(key: string, name: string, input: string, extra: Record<string, unknown> = {}) {
  return p.call(`/v1/agents/${name}/runs`, { key, body: { input, ...extra } });
}

/** Polls the run's agent state until `done` says so (or fails after ~15 s). */
async function waitFor(key: string, runId: string, done: (state: any) => boolean): Promise<any> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await p.call(`/v1/runs/${runId}/agent`, { key });
    if (res.status === 200 && done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${runId}: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ended = (s: any) => ['completed', 'failed', 'cancelled'].includes(s.status);
const waiting = (s: any) => s.pending.length > 0;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push({ q: url.searchParams.get('q'), key: req.headers['idempotency-key'] as string | undefined });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ answer: `facts about ${url.searchParams.get('q')}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as AddressInfo).port;
  p = await startTestPlatform({ env: { OUTBOUND_ALLOW_HOSTS: `127.0.0.1:${port}` } });

  const a = await p.newTenant('agents-a', { role: 'admin' });
  A.tenantId = a.tenantId;
  A.admin = a.key;
  const approver = await p.call(`/v1/admin/tenants/${a.tenantId}/keys`, { key: p.adminKey, body: { name: 'on-call approver', role: 'approver' } });
  expectStatus(approver, 201);
  A.approver = { key: approver.body.key, id: approver.body.id, name: 'on-call approver' };
  A.member = (await p.call(`/v1/admin/tenants/${a.tenantId}/keys`, { key: p.adminKey, body: { name: 'member', role: 'member' } })).body.key;
  const b = await p.newTenant('agents-b', { role: 'admin' });
  B.tenantId = b.tenantId;
  B.admin = b.key;

  await defineTool(A.admin, 'lookup', false);
  await defineTool(A.admin, 'guarded_lookup', true);
  await defineAgent(A.admin, { name: 'researcher', tools: ['lookup'], labels: ['production'] });
  await defineAgent(A.admin, { name: 'careful', tools: ['guarded_lookup'], approval_timeout: { action: 'reject', after_seconds: 120 } });
}, 120_000);

afterAll(async () => {
  await p?.close();
  server?.close();
});

describe('agent definitions', () => {
  it('versions are immutable and numbered; labels point at them; bad definitions are 400s', async () => {
    const v1 = await defineAgent(A.admin, { name: 'versioned', instructions: 'first' });
    expect(v1).toMatchObject({ object: 'agent', name: 'versioned', version: 1, latest_version: 1 });
    const v2 = await defineAgent(A.admin, { name: 'versioned', instructions: 'second', max_steps: 3 });
    expect(v2).toMatchObject({ version: 2, latest_version: 2, definition: { instructions: 'second', max_steps: 3 } });
    const label = await p.call('/v1/agents/versioned/labels/production', { key: A.admin, method: 'PUT', body: { version: 1 } });
    expectStatus(label, 200);
    // The production label wins over the latest version when a run or a read names neither.
    const read = await p.call('/v1/agents/versioned', { key: A.admin });
    expect(read.body).toMatchObject({ version: 1, labels: { production: 1 }, definition: { instructions: 'first' } });
    expect((await p.call('/v1/agents/versioned?version=2', { key: A.admin })).body.definition.instructions).toBe('second');
    expect((await p.call('/v1/agents/versioned/versions', { key: A.admin })).body.data.map((v: any) => v.version)).toEqual([1, 2]);

    const bad = await p.call('/v1/agents', { key: A.admin, body: { name: 'Bad Name!', instructions: 'x' } });
    expectStatus(bad, 400);
    expect(bad.body.error.code).toBe('validation_failed');
    const both = await p.call('/v1/agents', { key: A.admin, body: { name: 'both', instructions: 'x', model: 'auto', policy: 'p' } });
    expectStatus(both, 400);
    const schema = await p.call('/v1/agents', { key: A.admin, body: { name: 'schema', instructions: 'x', output_schema: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } } } });
    expectStatus(schema, 400);
    expect(schema.body.error.code).toBe('invalid_output_schema');
    expectStatus(await p.call('/v1/agents/nobody', { key: A.admin }), 404);
    expectStatus(await runAgent(A.admin, 'nobody', 'hi'), 404);
  });
});

describe('the agent loop', () => {
  it('a 2-step agent calls the HTTP tool and reaches a final answer; steps, cost and transcript are queryable', async () => {
    const before = hits.length;
    const res = await runAgent(A.admin, 'researcher', 'Please lookup q=paris for me', { wait: true });
    expectStatus(res, 200);
    const state = res.body;
    expect(state).toMatchObject({ object: 'agent_run', status: 'completed', stop_reason: 'final', agent: 'researcher', version: 1, step: 2 });
    expect(state.output).toContain('Tool results: lookup=');
    expect(state.output).toContain('facts about paris');
    expect(state.steps).toHaveLength(2);
    const [first, second] = state.steps;
    expect(first.tool_calls).toHaveLength(1);
    expect(first.tool_calls[0]).toMatchObject({ name: 'lookup', status: 'succeeded', arguments: '{"q":"paris"}' });
    expect(first.cost_usd).toBeGreaterThan(0);
    expect(second.tool_calls).toEqual([]);
    expect(state.cost_usd).toBeCloseTo(first.cost_usd + second.cost_usd, 10);
    // The transcript: system, user, assistant (tool call), tool result, assistant answer.
    expect(state.transcript.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    expect(state.transcript[3].tool_call_id).toBe(first.tool_calls[0].call_id);
    // One downstream call, carrying the idempotency key `${workflowId}:${callId}`.
    expect(hits.slice(before)).toEqual([{ q: 'paris', key: `${state.id}:${first.tool_calls[0].call_id}` }]);
    // Each model turn is an ordinary completion run of the tenant's.
    const turn = await p.call(`/v1/runs/${first.completion_run_id}`, { key: A.admin });
    expect(turn.body).toMatchObject({ kind: 'completion', status: 'completed' });
    // The generic run endpoint reads the agent's result too, and the named queries answer.
    const run = await p.call(`/v1/runs/${state.id}`, { key: A.admin });
    expect(run.body).toMatchObject({ kind: 'agent', status: 'completed', result: { stop_reason: 'final', agent: 'researcher' } });
    const cost = await p.call(`/v1/runs/${state.id}/query/cost`, { key: A.admin, body: {} });
    expect(cost.body.result.cost_usd).toBeCloseTo(state.cost_usd, 10);
    const status = await p.call(`/v1/runs/${state.id}/query/status`, { key: A.admin, body: {} });
    expect(status.body.result).toMatchObject({ status: 'completed', step: 2, max_steps: 10 });
  });

  it('max_steps stops the loop with the limit as the reason', async () => {
    await defineAgent(A.admin, { name: 'short', tools: ['lookup'], max_steps: 1 });
    const res = await runAgent(A.admin, 'short', 'lookup q=rome', { wait: true });
    expect(res.body).toMatchObject({ status: 'completed', stop_reason: 'max_steps', step: 1 });
    expect(res.body.steps[0].tool_calls[0].status).toBe('succeeded');
  });

  it('max_cost stops the loop once the spend reaches it, and reports the spend', async () => {
    await defineAgent(A.admin, { name: 'thrifty', tools: ['lookup'], max_cost_usd: 0.000_000_1 });
    const before = hits.length;
    const res = await runAgent(A.admin, 'thrifty', 'lookup q=oslo', { wait: true });
    expect(res.body).toMatchObject({ status: 'completed', stop_reason: 'max_cost', step: 1 });
    expect(res.body.cost_usd).toBeGreaterThan(0.000_000_1);
    // Over the limit after the first turn: its tool call never ran.
    expect(hits.length).toBe(before);
  });

  it('an output schema is enforced: the answer must be JSON matching it, else one corrective turn, then the run fails', async () => {
    await defineAgent(A.admin, { name: 'structured', output_schema: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } } });
    const res = await runAgent(A.admin, 'structured', 'Name a city', { wait: true });
    expect(res.body).toMatchObject({ status: 'failed', error: { code: 'guardrail_failed' } });
    expect(res.body.steps).toHaveLength(2);
    expect(res.body.steps[1].corrective).toBe(true);
  });
});

describe('long runs', () => {
  it('continueAsNew carries messages, steps, cost and events into the next execution', async () => {
    const runId = `agent-${A.tenantId}-can${Date.now()}`;
    const input: AgentRunInput = {
      tenantId: A.tenantId,
      apiKeyId: A.approver.id,
      agent: {
        name: 'researcher',
        version: 1,
        instructions: 'You are a careful research assistant.',
        modelChoice: { model: 'gpt-4o-mini' },
        tools: [],
        toolNames: ['lookup'],
        maxSteps: 10,
        maxCostUsd: null,
        approvalTimeout: { action: 'reject', afterSeconds: 60 },
      },
      messages: [{ role: 'user', content: 'lookup q=bergen' }],
      // One step per execution: the two-step run continues as new once.
      stepsPerRun: 1,
    };
    const handle = await p.client.workflow.start('agent', {
      taskQueue: p.env.TEMPORAL_TASK_QUEUE,
      workflowId: runId,
      args: [input],
      typedSearchAttributes: [{ key: TENANT, value: A.tenantId }, { key: KIND, value: 'agent' }],
    });
    await handle.result();
    const executions: string[] = [];
    for await (const execution of p.client.workflow.list({ query: `WorkflowId = "${runId}"` })) executions.push(execution.status.name);
    expect(executions.sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW']);
    const state = (await p.call(`/v1/runs/${runId}/agent`, { key: A.admin })).body;
    expect(state).toMatchObject({ status: 'completed', stop_reason: 'final', step: 2 });
    expect(state.output).toContain('facts about bergen');
    expect(state.steps.map((s: any) => s.index)).toEqual([0, 1]);
    expect(state.cost_usd).toBeCloseTo(state.steps[0].cost_usd + state.steps[1].cost_usd, 10);
    expect(state.transcript.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);
    const events = (await p.call(`/v1/runs/${runId}/agent/events`, { key: A.admin })).body.data;
    expect(events.map((e: any) => e.type)).toEqual(['run_started', 'step_started', 'tool_call', 'tool_result', 'step_started', 'final']);
    expect(events.map((e: any) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('approvals', () => {
  async function waitingRun(input = 'guarded_lookup q=berlin') {
    const started = await runAgent(A.admin, 'careful', input);
    expectStatus(started, 202);
    const runId: string = started.body.id;
    const state = await waitFor(A.admin, runId, waiting);
    expect(state.status).toBe('waiting_approval');
    const listed = await p.call(`/v1/runs/${runId}/approvals`, { key: A.admin });
    expect(listed.body.pending).toHaveLength(1);
    const [pending] = listed.body.pending;
    expect(pending).toMatchObject({ tool_name: 'guarded_lookup', arguments: '{"q":"berlin"}', timeout_action: 'reject' });
    return { runId, callId: pending.call_id as string };
  }

  it('approve: the call runs once decided, and the approver is the key that decided (member keys may not)', async () => {
    const { runId, callId } = await waitingRun();
    const before = hits.length;
    const denied = await p.call(`/v1/runs/${runId}/approvals`, { key: A.member, body: { call_id: callId, decision: 'approve' } });
    expectStatus(denied, 403);
    expect(denied.body.error.code).toBe('insufficient_role');
    expect(hits.length).toBe(before);
    // A payload naming someone else changes nothing: the body is strict, and who decided is the key.
    const forged = await p.call(`/v1/runs/${runId}/approvals`, { key: A.approver.key, body: { call_id: callId, decision: 'approve', by: 'ceo' } });
    expectStatus(forged, 400);
    const ok = await p.call(`/v1/runs/${runId}/approvals`, { key: A.approver.key, body: { call_id: callId, decision: 'approve', reason: 'looks fine' } });
    expectStatus(ok, 202);
    expect(ok.body.approver).toEqual({ key_id: A.approver.id, key_name: A.approver.name });
    const state = await waitFor(A.admin, runId, ended);
    expect(state).toMatchObject({ status: 'completed', stop_reason: 'final' });
    expect(state.output).toContain('facts about berlin');
    expect(state.steps[0].tool_calls[0].approval).toMatchObject({ decision: 'approve', by: { key_id: A.approver.id, key_name: A.approver.name }, reason: 'looks fine', timed_out: false });
    expect(hits.slice(before).map((h) => h.q)).toEqual(['berlin']);
    const decided = await p.call(`/v1/runs/${runId}/approvals`, { key: A.admin });
    expect(decided.body).toMatchObject({ pending: [], decided: [{ call_id: callId, decision: 'approve', approver: { key_id: A.approver.id }, reason: 'looks fine', timed_out: false }] });
    // Deciding again: nothing is waiting any more.
    const again = await p.call(`/v1/runs/${runId}/approvals`, { key: A.approver.key, body: { call_id: callId, decision: 'reject' } });
    expectStatus(again, 409);
  });

  it('edit: the call runs with the approver\'s arguments, and the model\'s are kept beside them', async () => {
    const { runId, callId } = await waitingRun();
    const before = hits.length;
    const res = await p.call(`/v1/runs/${runId}/approvals`, { key: A.approver.key, body: { call_id: callId, decision: 'edit', arguments: { q: 'munich' }, reason: 'wrong city' } });
    expectStatus(res, 202);
    const state = await waitFor(A.admin, runId, ended);
    expect(state.output).toContain('facts about munich');
    expect(state.steps[0].tool_calls[0]).toMatchObject({ arguments: '{"q":"munich"}', original_arguments: '{"q":"berlin"}', approval: { decision: 'edit' } });
    expect(hits.slice(before).map((h) => h.q)).toEqual(['munich']);
    const noArgs = await p.call(`/v1/runs/${runId}/approvals`, { key: A.approver.key, body: { call_id: callId, decision: 'edit' } });
    expectStatus(noArgs, 400);
  });

  it('reject: the call never runs and the model reads the refusal with its reason', async () => {
    const { runId, callId } = await waitingRun();
    const before = hits.length;
    // Through the generic signal endpoint: the same approval signal, bound to the key as well.
    const res = await p.call(`/v1/runs/${runId}/signal/approval`, { key: A.approver.key, body: { args: [{ callId, decision: 'reject', reason: 'not today', by: { keyId: 'forged' } }] } });
    expectStatus(res, 202);
    const state = await waitFor(A.admin, runId, ended);
    expect(state.status).toBe('completed');
    expect(state.steps[0].tool_calls[0]).toMatchObject({ status: 'rejected', approval: { decision: 'reject', by: { key_id: A.approver.id }, reason: 'not today' } });
    expect(state.output).toContain('rejected');
    expect(hits.length).toBe(before);
  });

  it('time-out: the definition\'s policy decides when nobody does (reject; or fail the run)', async () => {
    await defineAgent(A.admin, { name: 'impatient', tools: ['guarded_lookup'], approval_timeout: { action: 'reject', after_seconds: 1 } });
    const before = hits.length;
    const res = await runAgent(A.admin, 'impatient', 'guarded_lookup q=lima', { wait: true });
    expect(res.body).toMatchObject({ status: 'completed', stop_reason: 'final' });
    expect(res.body.steps[0].tool_calls[0]).toMatchObject({ status: 'rejected', approval: { decision: 'reject', by: null, timed_out: true } });
    expect(hits.length).toBe(before);

    await defineAgent(A.admin, { name: 'strict', tools: ['guarded_lookup'], approval_timeout: { action: 'fail', after_seconds: 1 } });
    const failed = await runAgent(A.admin, 'strict', 'guarded_lookup q=lima', { wait: true });
    expect(failed.body).toMatchObject({ status: 'failed', error: { code: 'approval_timeout' } });
  });

  it('cancel: a run waiting for approval stops cleanly and reports cancelled', async () => {
    const { runId } = await waitingRun();
    const cancel = await p.call(`/v1/runs/${runId}/cancel`, { key: A.admin, body: {} });
    expectStatus(cancel, 202);
    const state = await waitFor(A.admin, runId, ended);
    expect(state).toMatchObject({ status: 'cancelled', stop_reason: 'cancelled', pending: [] });
    expect(state.steps[0].tool_calls[0].status).toBe('cancelled');
    const run = await p.call(`/v1/runs/${runId}`, { key: A.admin });
    expect(run.body.status).toBe('cancelled');
  });
});

describe('streaming', () => {
  it('stream: true relays the run\'s events in order over SSE, approvals included', async () => {
    const res = await fetch(`${p.apiUrl}/v1/agents/careful/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${A.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'guarded_lookup q=kyiv', stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events: SseEvent[] = [];
    let runId = '';
    for await (const event of readSse(res.body!)) {
      events.push(event);
      const data = event.data as any;
      if (event.event === 'run') runId = data.id;
      if (event.event === 'approval_needed') {
        const ok = await p.call(`/v1/runs/${runId}/approvals`, { key: A.approver.key, body: { call_id: data.data.call_id, decision: 'approve' } });
        expectStatus(ok, 202);
      }
    }
    expect(events.filter((e) => e.event !== 'model_text_delta').map((e) => e.event)).toEqual([
      'run', 'run_started', 'step_started', 'tool_call', 'approval_needed', 'approval_resolved', 'tool_result', 'step_started', 'final', 'end',
    ]);
    // The last turn's tokens arrive as model_text_delta between its step_started and final.
    const names = events.map((e) => e.event);
    const deltas = events.filter((e) => e.event === 'model_text_delta' && (e.data as any).step === 1);
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.map((e) => (e.data as any).data.text).join('')).toBe((events.find((e) => e.event === 'final')!.data as any).data.output);
    expect(names.indexOf('model_text_delta', names.lastIndexOf('step_started'))).toBeLessThan(names.indexOf('final'));
    const seqs = events.filter((e) => !['run', 'end', 'model_text_delta'].includes(e.event)).map((e) => (e.data as any).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect((events.find((e) => e.event === 'final')!.data as any).data).toMatchObject({ stop_reason: 'final' });
    // The same events, read afterwards from any point.
    const later = await p.call(`/v1/runs/${runId}/agent/events?after=${seqs[2]}`, { key: A.admin });
    expect(later.body.data.map((e: any) => e.seq)).toEqual(seqs.slice(3));
  });
});

describe('tenant isolation', () => {
  it("another tenant can neither see, read, stream nor approve a tenant's agents and runs", async () => {
    const started = await runAgent(A.admin, 'careful', 'guarded_lookup q=athens');
    const runId: string = started.body.id;
    const state = await waitFor(A.admin, runId, waiting);
    const callId = state.pending[0].call_id;

    expect((await p.call('/v1/agents', { key: B.admin })).body.data).toEqual([]);
    expectStatus(await p.call('/v1/agents/careful', { key: B.admin }), 404);
    expectStatus(await runAgent(B.admin, 'careful', 'hi'), 404);
    for (const path of [`/v1/runs/${runId}/agent`, `/v1/runs/${runId}/approvals`, `/v1/runs/${runId}/agent/events`, `/v1/runs/${runId}`]) {
      const res = await p.call(path, { key: B.admin });
      expectStatus(res, 404);
      expect(res.body.error.code).toBe('run_not_found');
    }
    const approve = await p.call(`/v1/runs/${runId}/approvals`, { key: B.admin, body: { call_id: callId, decision: 'approve' } });
    expectStatus(approve, 404);
    const signal = await p.call(`/v1/runs/${runId}/signal/approval`, { key: B.admin, body: { args: [{ callId, decision: 'approve' }] } });
    expectStatus(signal, 404);
    // Still waiting: nothing B did reached the run.
    expect((await p.call(`/v1/runs/${runId}/agent`, { key: A.admin })).body.pending).toHaveLength(1);
    await p.call(`/v1/runs/${runId}/cancel`, { key: A.admin, body: {} });
  });
});

const ROOT = resolve(import.meta.dirname, '..');

/** A child process (the CLI, the Python SDK) without blocking this process, where the API runs. */
function spawnText(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('SDKs and CLI', () => {
  it('TypeScript: agents.run streams the events and onApproval decides the waiting call', async () => {
    const client = new SomaAgent({ apiKey: A.admin, baseURL: p.apiUrl, maxRetries: 0 });
    const seen: string[] = [];
    const stream = await client.agents.run('careful', {
      input: 'guarded_lookup q=quito',
      stream: true,
      onApproval: (request) => {
        seen.push(`${request.tool}:${String(request.arguments.q)}`);
        return { decision: 'edit', arguments: { q: 'lima' }, reason: 'prefer lima' };
      },
    });
    const events: AgentEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(seen).toEqual(['guarded_lookup:quito']);
    expect(events.at(-1)).toMatchObject({ type: 'final', data: { stop_reason: 'final' } });
    expect(String(events.at(-1)!.data.output)).toContain('facts about lima');
    const state = await client.agents.getRun(stream.runId!);
    expect(state.steps[0]!.tool_calls[0]!.approval).toMatchObject({ decision: 'edit', reason: 'prefer lima' });
    const listed = await client.agents.list();
    expect(listed.data.map((a) => a.name)).toContain('careful');
  });

  it('Python: client.agents.run iterates the events and on_approval approves', async () => {
    const python = join(resolve(ROOT, process.env.SOMA_STATE_DIR ?? '.soma'), 'venv', 'bin', 'python');
    const script = [
      'import json, sys',
      'from somaagent import SomaAgent',
      'from somaagent.types import ApprovalDecision',
      'client = SomaAgent(api_key=sys.argv[1], base_url=sys.argv[2], max_retries=0)',
      'asked = []',
      'def on_approval(request):',
      '    asked.append(request.tool)',
      '    return ApprovalDecision.approve("fine")',
      'stream = client.agents.run("careful", input="guarded_lookup q=cairo", on_approval=on_approval)',
      'types = [event.type for event in stream if event.type != "model_text_delta"]',
      'state = client.agents.get_run(stream.run_id)',
      'print(json.dumps({"types": types, "asked": asked, "output": stream.final.data.get("output"), "status": state.status, "by": state.steps[0].tool_calls[0].approval["by"]}))',
    ].join('\n');
    const res = await spawnText(python, ['-c', script, A.admin, p.apiUrl], { PYTHONPATH: join(ROOT, 'sdk', 'python') });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').at(-1)!);
    expect(out.asked).toEqual(['guarded_lookup']);
    expect(out.types).toEqual(['run_started', 'step_started', 'tool_call', 'approval_needed', 'approval_resolved', 'tool_result', 'step_started', 'final']);
    expect(out.status).toBe('completed');
    expect(out.output).toContain('facts about cairo');
    expect(out.by.key_name).toBe('test');
  });

  it('CLI: agents list, run --detach, approvals, approve (as the approver key) and show', async () => {
    const home = mkdtempSync(join(tmpdir(), 'soma-agents-cli-'));
    const cli = (key: string, args: string[]) =>
      spawnText(process.execPath, [join(ROOT, 'cli', 'bin', 'somaagent.mjs'), ...args], { SOMAAGENT_API_KEY: key, SOMAAGENT_BASE_URL: p.apiUrl, SOMAAGENT_CONFIG: join(home, 'config.json'), HOME: home, NO_COLOR: '1' });
    const listed = await cli(A.admin, ['agents', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((a: any) => a.name)).toContain('careful');
    const started = await cli(A.admin, ['agents', 'run', 'careful', 'guarded_lookup', 'q=tunis', '--detach']);
    expect(started.code, started.stderr).toBe(0);
    const runId = started.stdout.trim();
    const state = await waitFor(A.admin, runId, waiting);
    const callId: string = state.pending[0].call_id;
    const pending = await cli(A.admin, ['agents', 'approvals', runId]);
    expect(pending.stdout).toContain(callId);
    const refused = await cli(A.member, ['agents', 'approve', runId, callId]);
    expect(refused.code).toBe(3);
    const approved = await cli(A.approver.key, ['agents', 'approve', runId, callId, '--reason', 'cli ok']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('on-call approver');
    await waitFor(A.admin, runId, ended);
    const shown = await cli(A.admin, ['agents', 'show', runId]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('completed');
    expect(shown.stdout).toContain('facts about tunis');
    expect(shown.stdout).toContain('approve by on-call approver');
  });
});

describe('capsules', () => {
  it('a capsule ships agents: installed as definitions (a reinstall adds no version), then runnable', async () => {
    const name = `agentpack${Date.now()}`;
    const manifest = {
      name,
      version: '1.0.0',
      model_policy: { model: 'gpt-4o-mini' },
      agents: [{ name: `${name}-helper`, instructions: 'You help with lookups.', model: 'gpt-4o-mini', tools: ['lookup'], max_steps: 4, labels: ['production'] }],
    };
    const bad = await p.call('/v1/capsules', { key: A.admin, body: { ...manifest, agents: [{ ...manifest.agents[0], output_schema: { type: 'object', properties: { a: { type: 'string', pattern: 'x' } } } }] } });
    expectStatus(bad, 400);
    expectStatus(await p.call('/v1/capsules', { key: A.admin, body: manifest }), 201);
    expectStatus(await p.call(`/v1/capsules/${name}/install`, { key: A.admin, body: { version: '1.0.0' } }), 200);
    expectStatus(await p.call(`/v1/capsules/${name}/install`, { key: A.admin, body: { version: '1.0.0' } }), 200);
    const agent = await p.call(`/v1/agents/${name}-helper`, { key: A.admin });
    expect(agent.body).toMatchObject({ version: 1, latest_version: 1, labels: { production: 1 }, definition: { tools: ['lookup'], max_steps: 4 } });
    const run = await runAgent(A.admin, `${name}-helper`, 'lookup q=riga', { wait: true });
    expect(run.body).toMatchObject({ status: 'completed', stop_reason: 'final' });
    expect(run.body.output).toContain('facts about riga');
  });
});
