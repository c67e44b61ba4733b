import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { readSse, type SseEvent } from './support/sse.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform({ env: { PROVIDER_MAX_ATTEMPTS: '2', BREAKER_FAILURE_THRESHOLD: '100' } });
  t = await p.newTenant('events');
});
afterAll(async () => p?.close());

interface RunEvent {
  type: string;
  summary?: string;
  details?: { message?: string; attempt?: number };
}

describe('run events', () => {
  it('shows a fallback the way the Web UI does: each candidate, its failures, the answer', async () => {
    p.emulator.injectFault({ status: 500, count: 2, model: 'gpt-4o-mini' });
    const done = await p.call('/v1/completions', { key: t.key, body: { models: ['gpt-4o-mini', 'claude-haiku-4-5'], messages: [{ role: 'user', content: 'events' }] } });
    expect(done.status).toBe(200);
    const res = await p.call(`/v1/runs/${done.body.id}/events`, { key: t.key });
    expect(res.status).toBe(200);
    const events = res.body.data as RunEvent[];
    expect(events[0]!.type).toBe('workflow_execution_started');
    expect(events.at(-1)!.type).toBe('workflow_execution_completed');
    const scheduled = events.filter((e) => e.type === 'activity_task_scheduled').map((e) => e.summary);
    expect(scheduled).toEqual(['callModel: gpt-4o-mini', 'callModel: claude-haiku-4-5 (fallback 1)']);
    const failed = events.find((e) => e.type === 'activity_task_failed');
    expect(failed?.details?.message).toMatch(/500/);
    // Inputs and results (the user's text) stay out of this view.
    expect(JSON.stringify(events)).not.toContain('events"');
  });

  it('follows a running run until it closes', async () => {
    p.emulator.configure({ latencyMs: 700 });
    const started = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', background: true, messages: [{ role: 'user', content: 'follow me' }] } });
    const res = await fetch(`${p.apiUrl}/v1/runs/${started.body.id}/events?follow=true`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events: SseEvent[] = [];
    for await (const event of readSse(res.body!)) events.push(event);
    p.emulator.configure({ latencyMs: 0 });
    expect(events.at(-1)).toEqual({ event: 'end', data: { id: started.body.id, closed: true } });
    const types = events.filter((e) => e.event === 'run_event').map((e) => (e.data as RunEvent).type);
    expect(types[0]).toBe('workflow_execution_started');
    expect(types).toContain('activity_task_completed');
    expect(types.at(-1)).toBe('workflow_execution_completed');
  });

  it('keeps other tenants out and refuses a bad query', async () => {
    const done = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'mine' }] } });
    const other = await p.newTenant('other');
    expect((await p.call(`/v1/runs/${done.body.id}/events`, { key: other.key })).status).toBe(404);
    expect((await p.call(`/v1/runs/${done.body.id}/events?follow=maybe`, { key: t.key })).status).toBe(400);
  });
});
