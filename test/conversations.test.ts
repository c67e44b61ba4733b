import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationStore } from '../stores/conversations.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let t: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform();
  t = await p.newTenant('conversations');
});
afterAll(async () => p?.close());

describe('conversations', () => {
  it('stores a conversation and its messages, newest conversations first', async () => {
    const created = await p.call('/v1/conversations', { key: t.key, body: { title: 'Trip planning', metadata: { channel: 'web' }, messages: [{ role: 'user', content: 'I want to visit Lisbon' }] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'conversation', title: 'Trip planning', metadata: { channel: 'web' }, messages: [{ seq: 1, role: 'user', content: 'I want to visit Lisbon' }] });
    const appended = await p.call(`/v1/conversations/${created.body.id}/messages`, { key: t.key, body: { messages: [{ role: 'assistant', content: 'Lovely city.' }] } });
    expect(appended.status).toBe(201);
    expect(appended.body.data[0]).toMatchObject({ seq: 2, role: 'assistant' });
    const list = await p.call('/v1/conversations', { key: t.key });
    expect(list.body.data[0].id).toBe(created.body.id);
    const got = await p.call(`/v1/conversations/${created.body.id}`, { key: t.key });
    expect(got.body.messages.map((m: { content: string }) => m.content)).toEqual(['I want to visit Lisbon', 'Lovely city.']);
  });

  it('continues a conversation: the model sees its history, and the turn and answer are added to it', async () => {
    const conv = await p.call('/v1/conversations', { key: t.key, body: { title: 'chat' } });
    const first = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', conversation: conv.body.id, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'My name is Ada' }] } });
    expect(first.status).toBe(200);
    expect(first.body.conversation).toBe(conv.body.id);
    const second = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', conversation: conv.body.id, messages: [{ role: 'user', content: 'What is my name?' }] } });
    // The history went to the model: the second call's input is larger than its own message.
    expect(second.body.usage.input_tokens).toBeGreaterThan(first.body.usage.input_tokens);
    const got = await p.call(`/v1/conversations/${conv.body.id}`, { key: t.key });
    const messages = got.body.messages as Array<{ role: string; content: string; run_id: string | null }>;
    // The system message steered a request; it is not part of what was said.
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(messages[0]!.content).toBe('My name is Ada');
    expect(messages[1]).toMatchObject({ content: first.body.text, run_id: first.body.id });
    expect(messages[3]).toMatchObject({ content: second.body.text, run_id: second.body.id });
  });

  it('writes a run’s turn once even when the append is retried', async () => {
    const store = createConversationStore(p.pool);
    const conv = await store.create(t.tenantId, {});
    const turn = [{ role: 'user' as const, content: 'hi' }, { role: 'assistant' as const, content: 'hello' }];
    const a = await store.append(t.tenantId, conv.id, turn, `run-${conv.id}`);
    const b = await store.append(t.tenantId, conv.id, turn, `run-${conv.id}`);
    expect(b!.map((m) => m.id)).toEqual(a!.map((m) => m.id));
    expect(await store.messages(t.tenantId, conv.id)).toHaveLength(2);
  });

  it('keeps conversations to their tenant and refuses bad input', async () => {
    const conv = await p.call('/v1/conversations', { key: t.key, body: {} });
    const other = await p.newTenant('intruder');
    expect((await p.call(`/v1/conversations/${conv.body.id}`, { key: other.key })).status).toBe(404);
    const hijack = await p.call('/v1/completions', { key: other.key, body: { model: 'gpt-4o-mini', conversation: conv.body.id, messages: [{ role: 'user', content: 'x' }] } });
    expect(hijack.status).toBe(404);
    expect(hijack.body.error.code).toBe('conversation_not_found');
    expect((await p.call(`/v1/conversations/${conv.body.id}/messages`, { key: other.key, body: { messages: [{ role: 'user', content: 'x' }] } })).status).toBe(404);
    expect((await p.call('/v1/conversations/not-an-id', { key: t.key })).status).toBe(404);
    const bad = await p.call(`/v1/conversations/${conv.body.id}/messages`, { key: t.key, body: { messages: [{ role: 'robot', content: 'x' }] } });
    expect(bad.status).toBe(400);
    expect((await p.call(`/v1/conversations/${conv.body.id}`, { key: t.key, method: 'DELETE' })).status).toBe(200);
    expect((await p.call(`/v1/conversations/${conv.body.id}`, { key: t.key })).status).toBe(404);
  });
});
