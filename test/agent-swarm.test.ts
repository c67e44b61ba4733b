import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffTool, handoffToolName, withHandoffTools } from '../core/agents/handoff.ts';
import { childBudget, effectiveCostLimit } from '../core/agents/swarm-budget.ts';
import { childWorkflowId, MAX_READABLE_RUN_ID, parseChildRequest } from '../core/agents/swarm-child.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { AGENT } from '../platform/temporal/search-attributes.ts';
import { runResearch, setUpSwarm, type ApprovalRequest } from '../examples/agent-swarm/src/swarm.ts';

/** A local HTTP tool target that counts calls (opted in through OUTBOUND_ALLOW_HOSTS). */
let toolServer: Server;
let toolUrl = '';
let toolCalls = 0;
const toolPaths: string[] = [];
let p: TestPlatform;

beforeAll(async () => {
  toolServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      toolCalls++;
      toolPaths.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ facts: ['Temporal replays workflow code from its history'] }));
    });
  });
  await new Promise<void>((resolve) => toolServer.listen(0, '127.0.0.1', () => resolve()));
  const port = (toolServer.address() as AddressInfo).port;
  toolUrl = `http://127.0.0.1:${port}`;
  p = await startTestPlatform({ env: { OUTBOUND_ALLOW_HOSTS: `127.0.0.1:${port}` } });
});
afterAll(async () => {
  await p?.close();
  await new Promise<void>((resolve) => {
    toolServer?.closeAllConnections();
    toolServer?.close(() => resolve());
  });
});

type Json = any;

async function define(key: string, path: '/v1/agents' | '/v1/tools', body: Record<string, unknown>): Promise<void> {
  const res = await p.call(path, { key, body });
  expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBe(201);
}

/** Workflow ids a visibility query finds, sorted; polls while visibility catches up. */
async function listIds(query: string, expected: number): Promise<string[]> {
  let ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    ids = [];
    for await (const w of p.client.workflow.list({ query })) ids.push(w.workflowId);
    if (ids.length >= expected) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return ids.sort();
}

/** Runs an agent to its end through the API (`wait: true`) and answers its final state. */
async function run(key: string, agent: string, input: string): Promise<Json> {
  const res = await p.call(`/v1/agents/${agent}/runs`, { key, body: { input, wait: true } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('swarm building blocks', () => {
  it('names a transfer_to_<agent> tool per handoff, within the vendors\' 64-character limit', () => {
    expect(handoffToolName('billing')).toBe('transfer_to_billing');
    const long = 'a'.repeat(64);
    const other = `${'a'.repeat(63)}b`;
    expect(handoffToolName(long)).toHaveLength(64);
    expect(handoffToolName(long)).not.toBe(handoffToolName(other));
    expect(handoffTool('billing')).toMatchObject({ kind: 'handoff', target: 'billing', requiresApproval: false });
    const tools = withHandoffTools({ name: 'triage', tools: [], handoffs: ['billing', 'triage', 'billing', 'refunds'] });
    expect(tools.map((t) => t.definition.name)).toEqual(['transfer_to_billing', 'transfer_to_refunds']);
  });

  it('slices what is left of the budget equally among the children of one turn', () => {
    expect(childBudget({ remainingUsd: 0.9, siblings: 3 })).toEqual({ ok: true, budgetUsd: 0.3 });
    expect(childBudget({ remainingUsd: 0.9, siblings: 3, requestedUsd: 0.1 })).toEqual({ ok: true, budgetUsd: 0.1 });
    expect(childBudget({ remainingUsd: Infinity, siblings: 3 })).toEqual({ ok: true, budgetUsd: null });
    expect(childBudget({ remainingUsd: 0, siblings: 2 })).toMatchObject({ ok: false, error: { code: 'budget_exhausted' } });
    expect(childBudget({ remainingUsd: -1, siblings: 1 })).toMatchObject({ ok: false });
    expect(effectiveCostLimit(1, 0.25)).toBe(0.25);
    expect(effectiveCostLimit(null, 0.25)).toBe(0.25);
    expect(effectiveCostLimit(0.1, undefined)).toBe(0.1);
  });

  it('parses start_agent calls and derives readable child run ids from the parent\'s', () => {
    expect(parseChildRequest({ agent: 'researcher', input: 'find X' })).toEqual({ ok: true, request: { agent: 'researcher', input: 'find X' } });
    expect(parseChildRequest({ agent: 'Not A Name', input: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(parseChildRequest({ agent: 'researcher' })).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    const id = childWorkflowId('agent-t1-abc', 0, 'call_1f.x', 'researcher');
    expect(id).toBe('agent-t1-abc-s0-researcher-call_1fx');
    expect(childWorkflowId('agent-t1-abc', 0, 'call_2', 'researcher')).not.toBe(id);
    expect(childWorkflowId(`agent-${'x'.repeat(140)}`, 3, 'call_9', 'researcher').length).toBeLessThanOrEqual(MAX_READABLE_RUN_ID);
  });
});

describe('handoffs', () => {
  it('transfers the conversation to another agent, which answers with its own instructions', async () => {
    const t = await p.newTenant('handoff', { role: 'admin' });
    await define(t.key, '/v1/agents', { name: 'billing', instructions: 'You are the billing specialist.', model: 'gpt-4o-mini', max_steps: 4 });
    await define(t.key, '/v1/agents', { name: 'triage', instructions: 'You route customers to the right specialist.', model: 'gpt-4o-mini', handoffs: ['billing'], max_steps: 4 });

    const state = await run(t.key, 'triage', 'My invoice is wrong, please transfer_to_billing reason="invoice question"');
    expect(state).toMatchObject({ status: 'completed', stop_reason: 'final', agent: 'billing' });
    // Step 0: triage called the transfer tool; step 1: billing answered (the emulator reads back the tool result).
    expect(state.steps).toHaveLength(2);
    const [transfer] = state.steps[0].tool_calls;
    expect(transfer).toMatchObject({ name: 'transfer_to_billing', status: 'succeeded' });
    expect(transfer.result).toContain('Transferred from triage to billing');
    expect(transfer.result).toContain('invoice question');
    expect(state.output).toContain('Tool results: transfer_to_billing=Transferred from triage to billing');
    // The transcript keeps every message; the system message is now billing's.
    expect(state.transcript[0]).toEqual({ role: 'system', content: 'You are the billing specialist.' });
    expect(state.transcript.map((m: Json) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant']);

    const events = await p.call(`/v1/runs/${state.id}/agent/events`, { key: t.key });
    expect(events.status).toBe(200);
    const handoff = events.body.data.find((e: Json) => e.type === 'handoff');
    expect(handoff).toMatchObject({ step: 0, data: { from: 'triage', to: 'billing' } });
  });

  it('does not offer a transfer the definition does not list', async () => {
    const t = await p.newTenant('no-handoff', { role: 'admin' });
    await define(t.key, '/v1/agents', { name: 'billing', instructions: 'You are billing.', model: 'gpt-4o-mini' });
    await define(t.key, '/v1/agents', { name: 'solo', instructions: 'You answer alone.', model: 'gpt-4o-mini', max_steps: 2 });
    const state = await run(t.key, 'solo', 'please transfer_to_billing');
    // The model was never offered the tool, so it answered in text and the run stayed with solo.
    expect(state).toMatchObject({ status: 'completed', agent: 'solo' });
    expect(state.steps).toHaveLength(1);
    expect(state.steps[0].tool_calls).toEqual([]);
  });
});

describe('supervisor and workers', () => {
  /** Three start_agent tools, so the emulator calls them in one turn (it calls each named tool once). */
  async function defineSupervisor(key: string, extra: Record<string, unknown> = {}): Promise<void> {
    for (const name of ['research_1', 'research_2', 'research_3']) {
      await define(key, '/v1/tools', { name, kind: 'builtin', builtin: 'start_agent', description: `Start researcher ${name.slice(-1)}.` });
    }
    await define(key, '/v1/agents', {
      name: 'supervisor',
      instructions: 'Split the question, start researchers in parallel, then combine what they found.',
      model: 'gpt-4o-mini',
      tools: ['research_1', 'research_2', 'research_3'],
      max_steps: 4,
      ...extra,
    });
  }

  const PROMPT = 'Use research_1 research_2 research_3 with agent=researcher input="lookup_facts topic=temporal"';

  it('runs three child agents in parallel as child workflows; one fails and the supervisor gets a partial result', async () => {
    const t = await p.newTenant('swarm', { role: 'admin' });
    const other = await p.newTenant('swarm-other');
    await define(t.key, '/v1/tools', {
      name: 'lookup_facts',
      kind: 'http',
      description: 'Looks facts up.',
      input_schema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
      http: { method: 'POST', url: `${toolUrl}/facts`, body: 'arguments', allow_private_network: true },
    });
    // The researchers answer with another model than the supervisor, so a fault reaches one of them only.
    await define(t.key, '/v1/agents', { name: 'researcher', instructions: 'Research the topic with lookup_facts.', model: 'gpt-4o', tools: ['lookup_facts'], max_steps: 3 });
    await defineSupervisor(t.key);

    p.emulator.configure({ latencyMs: 300 });
    // The first gpt-4o call (one researcher's first turn) is refused for good: that child fails.
    p.emulator.injectFault({ status: 'content_policy', count: 1, model: 'gpt-4o' });
    let state: Json;
    try {
      state = await run(t.key, 'supervisor', PROMPT);
    } finally {
      p.emulator.configure({ latencyMs: 0 });
    }

    expect(state).toMatchObject({ status: 'completed', stop_reason: 'final', agent: 'supervisor' });
    const calls: Json[] = state.steps[0].tool_calls;
    expect(calls.map((c) => c.name)).toEqual(['research_1', 'research_2', 'research_3']);
    const succeeded = calls.filter((c) => c.status === 'succeeded');
    const failed = calls.filter((c) => c.status === 'failed');
    expect(succeeded).toHaveLength(2);
    expect(failed).toHaveLength(1);
    expect(failed[0].error.code).toBe('sub_agent_failed');
    expect(failed[0].error.message).toContain('researcher');
    for (const c of succeeded) {
      const child = JSON.parse(c.result);
      expect(child).toMatchObject({ agent: 'researcher', status: 'completed', stop_reason: 'final' });
      expect(child.output).toContain('lookup_facts=');
      expect(child.run_id.startsWith(`${state.id}-s0-researcher-`)).toBe(true);
      expect(c.cost_usd).toBeGreaterThan(0);
    }
    // The supervisor read both answers and the error: a partial result, not a crash.
    expect(state.output).toContain('research_1=');
    expect(state.output).toContain('sub_agent_failed');
    // Two researchers reached the tool; the refused one never did.
    expect(toolCalls).toBeGreaterThanOrEqual(2);

    // The tree: each child is a run of its own, readable by its tenant only, started in parallel.
    const childIds: string[] = succeeded.map((c) => JSON.parse(c.result).run_id);
    const children = await Promise.all(childIds.map((id) => p.call(`/v1/runs/${id}`, { key: t.key })));
    for (const child of children) expect(child.body).toMatchObject({ kind: 'agent', status: 'completed' });
    const starts = children.map((c) => Date.parse(c.body.created_at));
    const ends = children.map((c) => Date.parse(c.body.closed_at));
    expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
    expect((await p.call(`/v1/runs/${childIds[0]}`, { key: other.key })).status).toBe(404);
    const description = await p.client.workflow.getHandle(childIds[0]!).describe();
    expect(description.parentExecution?.workflowId).toBe(state.id);
    expect(description.typedSearchAttributes.get(AGENT)).toBe('researcher');
    // The Web UI's queries find the tree: by parent, and by the id prefix children share.
    const byParent = await listIds(`ParentWorkflowId = "${state.id}" AND SomaKind = "agent"`, 3);
    expect(byParent).toHaveLength(3);
    expect(await listIds(`WorkflowId STARTS_WITH "${state.id}-s0-researcher-" AND SomaKind = "agent"`, 3)).toEqual(byParent);

    // The supervisor's cost includes its children's.
    const childCost = calls.reduce((sum, c) => sum + (c.cost_usd ?? 0), 0);
    expect(state.cost_usd).toBeGreaterThan(childCost);
  }, 60_000);

  it('approvals inside the tree: children wait for a person; one times out and fails, and its spend still counts', async () => {
    const t = await p.newTenant('swarm-approvals', { role: 'admin' });
    await define(t.key, '/v1/tools', {
      name: 'lookup_facts',
      kind: 'http',
      requires_approval: true,
      input_schema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
      http: { method: 'POST', url: `${toolUrl}/facts`, body: 'arguments', allow_private_network: true },
    });
    // Each researcher asks before it calls out; nobody answering within 3 s fails that researcher.
    await define(t.key, '/v1/agents', {
      name: 'researcher',
      instructions: 'Research the topic with lookup_facts.',
      model: 'gpt-4o-mini',
      tools: ['lookup_facts'],
      max_steps: 3,
      approval_timeout: { action: 'fail', after_seconds: 3 },
    });
    await defineSupervisor(t.key);
    const started = await p.call('/v1/agents/supervisor/runs', { key: t.key, body: { input: PROMPT } });
    expect(started.status).toBe(202);
    const runId: string = started.body.id;

    // The children are runs of their own: their approvals are listed and decided on them.
    const children = await listIds(`ParentWorkflowId = "${runId}" AND SomaKind = "agent"`, 3);
    expect(children).toHaveLength(3);
    const waiting: Array<{ id: string; callId: string }> = [];
    for (const id of children) {
      for (let i = 0; i < 100; i++) {
        const list = await p.call(`/v1/runs/${id}/approvals`, { key: t.key });
        if (list.body.pending?.length) {
          waiting.push({ id, callId: list.body.pending[0].call_id });
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(waiting).toHaveLength(3);
    for (const w of waiting.slice(0, 2)) {
      const approved = await p.call(`/v1/runs/${w.id}/approvals`, { key: t.key, body: { call_id: w.callId, decision: 'approve', reason: 'fine' } });
      expect(approved.status).toBe(202);
    }

    const result = (await p.client.workflow.getHandle(runId).result()) as Json;
    expect(result).toMatchObject({ status: 'completed', stopReason: 'final' });
    const calls: Json[] = result.steps[0].toolCalls;
    const failed = calls.filter((c) => c.status === 'failed');
    expect(calls.filter((c) => c.status === 'succeeded')).toHaveLength(2);
    expect(failed).toHaveLength(1);
    expect(failed[0].error.message).toContain('approval_timeout');
    // The failed child had paid for a model turn before it failed: the supervisor counts it.
    expect(failed[0].costUsd).toBeGreaterThan(0);
    const total = calls.reduce((sum, c) => sum + (c.costUsd ?? 0), 0);
    expect(result.costUsd).toBeGreaterThan(total);
  }, 60_000);

  it('cancelling the supervisor cancels the children it is waiting for', async () => {
    const t = await p.newTenant('swarm-cancel', { role: 'admin' });
    await define(t.key, '/v1/tools', {
      name: 'lookup_facts',
      kind: 'http',
      requires_approval: true,
      input_schema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
      http: { method: 'POST', url: `${toolUrl}/facts`, body: 'arguments', allow_private_network: true },
    });
    // Nobody will answer: without propagation the supervisor would wait out these 10 minutes.
    await define(t.key, '/v1/agents', { name: 'researcher', instructions: 'Research with lookup_facts.', model: 'gpt-4o-mini', tools: ['lookup_facts'], approval_timeout: { action: 'reject', after_seconds: 600 } });
    await defineSupervisor(t.key);
    const started = await p.call('/v1/agents/supervisor/runs', { key: t.key, body: { input: PROMPT } });
    const runId: string = started.body.id;
    const children = await listIds(`ParentWorkflowId = "${runId}" AND SomaKind = "agent"`, 3);
    for (const id of children) {
      for (let i = 0; i < 100 && !(await p.call(`/v1/runs/${id}/approvals`, { key: t.key })).body.pending?.length; i++) await new Promise((r) => setTimeout(r, 50));
    }

    const t0 = Date.now();
    expect((await p.call(`/v1/runs/${runId}/cancel`, { key: t.key, method: 'POST' })).status).toBe(202);
    await expect(p.client.workflow.getHandle(runId).result()).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect((await p.call(`/v1/runs/${runId}`, { key: t.key })).body.status).toBe('cancelled');
    for (const id of children) expect((await p.call(`/v1/runs/${id}`, { key: t.key })).body.status).toBe('cancelled');
  }, 60_000);

  it('a shared budget bounds the tree: children get slices of what is left and the swarm stops', async () => {
    const t = await p.newTenant('swarm-budget', { role: 'admin' });
    await define(t.key, '/v1/tools', {
      name: 'lookup_facts',
      kind: 'http',
      input_schema: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
      http: { method: 'POST', url: `${toolUrl}/facts`, body: 'arguments', allow_private_network: true },
    });
    await define(t.key, '/v1/agents', { name: 'researcher', instructions: 'Research the topic with lookup_facts.', model: 'gpt-4o-mini', tools: ['lookup_facts'], max_steps: 3 });
    await defineSupervisor(t.key);

    // Calibration without a limit: the supervisor's first turn and a researcher's first turn cost.
    const free = await run(t.key, 'supervisor', PROMPT);
    expect(free).toMatchObject({ status: 'completed', stop_reason: 'final' });
    const freeCalls: Json[] = free.steps[0].tool_calls;
    const childFirstTurn = await Promise.all(freeCalls.map(async (c) => (await p.call(`/v1/runs/${JSON.parse(c.result).run_id}/agent`, { key: t.key })).body.steps[0].cost_usd as number));
    const supervisorTurn = free.steps[0].cost_usd - freeCalls.reduce((sum, c) => sum + c.cost_usd, 0);
    expect(supervisorTurn).toBeGreaterThan(0);

    // A limit that leaves each child half of its first turn: each stops at max_cost before its tools run.
    const perChild = Math.min(...childFirstTurn) / 2;
    const limit = supervisorTurn + 3 * perChild;
    const before = toolCalls;
    const res = await p.call('/v1/agents', { key: t.key, body: { name: 'supervisor', instructions: 'Split the question, start researchers in parallel, then combine what they found.', model: 'gpt-4o-mini', tools: ['research_1', 'research_2', 'research_3'], max_steps: 4, max_cost_usd: limit } });
    expect(res.status).toBe(201);
    const bounded = await run(t.key, 'supervisor', PROMPT);
    expect(bounded).toMatchObject({ status: 'completed', stop_reason: 'max_cost', max_cost_usd: limit });
    const calls: Json[] = bounded.steps[0].tool_calls;
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      const child = JSON.parse(c.result);
      expect(child).toMatchObject({ status: 'completed', stop_reason: 'max_cost' });
      const childState = (await p.call(`/v1/runs/${child.run_id}/agent`, { key: t.key })).body;
      // Its limit was its share of what the supervisor had left after its own turn.
      expect(childState.max_cost_usd).toBeCloseTo(perChild, 12);
    }
    expect(toolCalls).toBe(before);
    // The total spent is reported on the supervisor, children included, and it passed the limit: no more turns.
    expect(bounded.cost_usd).toBeCloseTo(supervisorTurn + calls.reduce((sum, c) => sum + c.cost_usd, 0), 12);
    expect(bounded.cost_usd).toBeGreaterThanOrEqual(limit);
    expect(bounded.steps).toHaveLength(1);

    // With nothing left after the supervisor's own turn, no child is started at all.
    await p.call('/v1/agents', { key: t.key, body: { name: 'supervisor', instructions: 'Split the question, start researchers in parallel, then combine what they found.', model: 'gpt-4o-mini', tools: ['research_1', 'research_2', 'research_3'], max_steps: 4, max_cost_usd: supervisorTurn / 2 } });
    const starved = await run(t.key, 'supervisor', PROMPT);
    expect(starved).toMatchObject({ status: 'completed', stop_reason: 'max_cost' });
    expect(starved.steps[0].tool_calls.every((c: Json) => c.status !== 'succeeded')).toBe(true);
  }, 90_000);
});

describe('examples/agent-swarm', () => {
  it('planner -> parallel researchers (memory search + HTTP tool) -> writer, with one approval', async () => {
    const t = await p.newTenant('example', { role: 'admin' });
    const api = { baseUrl: p.apiUrl, apiKey: t.key };
    await setUpSwarm(api, { sourceUrl: `${toolUrl}/summary/{topic}`, allowPrivateNetwork: true, model: 'gpt-4o-mini' });
    const approvals: ApprovalRequest[] = [];
    const result = await runResearch(api, 'Temporal', async (request) => {
      approvals.push(request);
      return { decision: 'approve', reason: 'looks safe' };
    });

    expect(result).toMatchObject({ status: 'completed', stopReason: 'final', agents: ['planner', 'writer'] });
    // One approval: the web researcher; who approved is the key that answered.
    expect(approvals.map((a) => a.tool)).toEqual(['research_web']);
    const resolved = result.events.find((e) => e.type === 'approval_resolved');
    expect(resolved?.data.data).toMatchObject({ decision: 'approve', reason: 'looks safe', timed_out: false });
    expect(resolved?.data.data.by.key_id).toMatch(/\S/);
    // Both researchers ran as children and used both tools; the writer combined their findings.
    const results = result.events.filter((e) => e.type === 'tool_result').map((e) => e.data.data);
    expect(results.map((r) => `${r.tool}:${r.status}`)).toEqual(['research_memory:succeeded', 'research_web:succeeded', 'transfer_to_writer:succeeded']);
    for (const r of results.slice(0, 2)) {
      const child = JSON.parse(r.content);
      expect(child.output).toContain('memory_search=');
      expect(child.output).toContain('fetch_source=');
    }
    expect(toolPaths).toContain('GET /summary/Temporal');
    expect(result.output).toContain('research_memory=');
    expect(result.output).toContain('Transferred from planner to writer');
    expect(result.costUsd).toBeGreaterThan(0);
  }, 90_000);
});
