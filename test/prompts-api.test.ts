import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT } from '../platform/temporal/search-attributes.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let a: { tenantId: string; key: string };
let b: { tenantId: string; key: string };

beforeAll(async () => {
  p = await startTestPlatform();
  [a, b] = await Promise.all([p.newTenant('prompt-a'), p.newTenant('prompt-b')]);
});
afterAll(async () => p?.close());

const nameSchema = { properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] };

async function create(key: string, body: Record<string, unknown>) {
  const res = await p.call('/v1/prompts', { key, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.request_id).toBeTruthy();
}

describe('versions', () => {
  it('creates a template, adds immutable hashed versions, and saving the same content twice adds nothing', async () => {
    const created = await create(a.key, { name: 'greeting', description: 'Greets', text: 'Hello {{ name }}!', variables: nameSchema, labels: ['staging'] });
    expect(created).toMatchObject({ object: 'prompt_template', name: 'greeting', latest_version: 1, labels: { staging: 1 } });
    expect(created.version.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);

    expectError(await p.call('/v1/prompts', { key: a.key, body: { name: 'greeting', text: 'again' } }), 409, 'template_exists');

    const v2 = await p.call('/v1/prompts/greeting/versions', { key: a.key, body: { text: 'Hi {{ name }}, welcome back.', variables: nameSchema, note: 'warmer' } });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, created: true, note: 'warmer', type: 'text' });
    expect(v2.body.content_hash).not.toBe(created.version.content_hash);

    // Same content, keys in another order: same hash, so nothing new.
    const same = await p.call('/v1/prompts/greeting/versions', { key: a.key, body: { variables: { required: ['name'], properties: { name: { minLength: 1, type: 'string' } } }, text: 'Hi {{ name }}, welcome back.' } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 2, created: false, content_hash: v2.body.content_hash });

    const list = await p.call('/v1/prompts/greeting/versions', { key: a.key });
    expect(list.body.data.map((v: any) => v.version)).toEqual([2, 1]);
    expect(list.body.data[0].text).toBeUndefined();
    const one = await p.call('/v1/prompts/greeting/versions/1', { key: a.key });
    expect(one.body).toMatchObject({ version: 1, text: 'Hello {{ name }}!', variables: { properties: { name: { type: 'string' } } } });
    const detail = await p.call('/v1/prompts/greeting', { key: a.key });
    expect(detail.body).toMatchObject({ latest_version: 2, latest: { version: 2 } });

    // Immutable in the database itself, not only through the API.
    await expect(p.pool.query("UPDATE prompt_template_versions SET body = 'changed' WHERE tenant_id = $1", [a.tenantId])).rejects.toThrow(/immutable/);
  });

  it('serves a diff between two versions', async () => {
    const diff = await p.call('/v1/prompts/greeting/diff?from=1&to=2', { key: a.key });
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ from: 1, to: 2, identical: false, lines_added: 1, lines_removed: 1 });
    expect(diff.body.template_diff).toContain('-Hello {{ name }}!');
    expect(diff.body.template_diff).toContain('+Hi {{ name }}, welcome back.');
    expect(diff.body.variables_diff).not.toMatch(/^[+-] /m);
    expectError(await p.call('/v1/prompts/greeting/diff?from=1&to=9', { key: a.key }), 404, 'version_not_found');
    expectError(await p.call('/v1/prompts/greeting/diff?from=x', { key: a.key }), 400, 'validation_failed');
  });
});

describe('labels', () => {
  it('moves labels with an audit trail; rollback is a move; compare-and-set refuses a stale move', async () => {
    const move = await p.call('/v1/prompts/greeting/labels/production', { method: 'PUT', key: a.key, body: { version: 2, reason: 'launch' } });
    expect(move.body).toMatchObject({ label: 'production', version: 2, previous_version: null, moved: true });
    const render = () => p.call('/v1/prompts/greeting/render', { key: a.key, body: { variables: { name: 'Ada' } } });
    expect((await render()).body).toMatchObject({ version: 2, text: 'Hi Ada, welcome back.' });

    const rollback = await p.call('/v1/prompts/greeting/labels/production', { method: 'PUT', key: a.key, body: { version: 1, expected_version: 2, reason: 'rollback' } });
    expect(rollback.body).toMatchObject({ version: 1, previous_version: 2, moved: true });
    expect((await render()).body).toMatchObject({ version: 1, text: 'Hello Ada!' });

    const stale = await p.call('/v1/prompts/greeting/labels/production', { method: 'PUT', key: a.key, body: { version: 2, expected_version: 2 } });
    expectError(stale, 409, 'label_conflict');
    expect(stale.body.error.details).toMatchObject({ label: 'production', current_version: 1 });
    const again = await p.call('/v1/prompts/greeting/labels/production', { method: 'PUT', key: a.key, body: { version: 1 } });
    expect(again.body.moved).toBe(false);

    const history = await p.call('/v1/prompts/greeting/label-history', { key: a.key });
    const production = history.body.data.filter((e: any) => e.label === 'production');
    expect(production.map((e: any) => [e.from_version, e.to_version, e.reason])).toEqual([
      [2, 1, 'rollback'],
      [null, 2, 'launch'],
    ]);
    expect(production[0].actor).toMatch(/^key_/);
  });

  it('keeps the label and its audit trail consistent under concurrent moves', async () => {
    const moves = await Promise.all(
      Array.from({ length: 12 }, (_, i) => p.call('/v1/prompts/greeting/labels/canary', { method: 'PUT', key: a.key, body: { version: (i % 2) + 1 } })),
    );
    expect(moves.every((m) => m.status === 200)).toBe(true);
    const history = await p.call('/v1/prompts/greeting/label-history', { key: a.key });
    const events = history.body.data.filter((e: any) => e.label === 'canary').reverse();
    expect(events.length).toBe(moves.filter((m) => m.body.moved).length);
    // Each event starts where the one before ended: no move was lost or interleaved.
    events.forEach((e: any, i: number) => expect(e.from_version).toBe(i === 0 ? null : events[i - 1].to_version));
    const template = await p.call('/v1/prompts/greeting', { key: a.key });
    expect(template.body.labels.canary).toBe(events.at(-1).to_version);
  });

  it('deletes a label, audited', async () => {
    const removed = await p.call('/v1/prompts/greeting/labels/staging?reason=retired', { method: 'DELETE', key: a.key });
    expect(removed.body).toMatchObject({ label: 'staging', version: null, previous_version: 1 });
    expectError(await p.call('/v1/prompts/greeting/render', { key: a.key, body: { label: 'staging', variables: { name: 'x' } } }), 404, 'label_not_found');
    expectError(await p.call('/v1/prompts/greeting/labels/staging', { method: 'DELETE', key: a.key }), 404, 'label_not_found');
    const history = await p.call('/v1/prompts/greeting/label-history?limit=1', { key: a.key });
    expect(history.body.data[0]).toMatchObject({ label: 'staging', from_version: 1, to_version: null, reason: 'retired' });
  });
});

describe('rendering', () => {
  it('renders chat templates to messages, leaving out messages that render empty', async () => {
    await create(a.key, {
      name: 'support',
      messages: [
        { role: 'system', content: 'You support {{ product }} customers. Tone: {{ tone }}.' },
        { role: 'user', content: '{% if example %}Example question{% endif %}' },
        { role: 'user', content: '{{ question }}' },
      ],
      variables: {
        properties: {
          product: { type: 'string' },
          tone: { enum: ['formal', 'friendly'], default: 'friendly' },
          example: { type: 'boolean', default: false },
          question: { type: 'string', maxLength: 500 },
        },
        required: ['product', 'question'],
      },
    });
    const res = await p.call('/v1/prompts/support/render', { key: a.key, body: { variables: { product: 'Acme', question: 'Where is my order?' } } });
    expect(res.body).toMatchObject({ type: 'chat', version: 1, label: null });
    expect(res.body.messages).toEqual([
      { role: 'system', content: 'You support Acme customers. Tone: friendly.' },
      { role: 'user', content: 'Where is my order?' },
    ]);
  });

  it('reports every variable problem at once', async () => {
    const res = await p.call('/v1/prompts/support/render', {
      key: a.key,
      body: { variables: { product: 42, tone: 'angry', surprise: true, question: 'x'.repeat(501) } },
    });
    expectError(res, 400, 'variables_invalid');
    const problems = res.body.error.details.map((d: any) => `${d.path}:${d.code}`).sort();
    expect(problems).toEqual(['product:wrong_type', 'question:too_long', 'surprise:unexpected', 'tone:not_allowed']);
    const missing = await p.call('/v1/prompts/support/render', { key: a.key, body: { variables: {} } });
    expect(missing.body.error.details.map((d: any) => `${d.path}:${d.code}`).sort()).toEqual(['product:missing', 'question:missing']);
  });

  it('treats an undefined value in the body as an error, not an empty string', async () => {
    await create(a.key, { name: 'optional', text: 'Dear {{ title }} {{ name }}', variables: { properties: { title: { type: 'string' }, name: { type: 'string' } } } });
    const res = await p.call('/v1/prompts/optional/render', { key: a.key, body: { variables: { name: 'Ada' } } });
    expectError(res, 400, 'template_render_failed');
    expect(res.body.error.details).toMatchObject({ reason: 'undefined_value', line: 1, column: 6 });
    expect(res.body.error.message).toContain('title is undefined');
  });

  it('refuses unsafe templates when they are saved, and lists every problem', async () => {
    const injection = await p.call('/v1/prompts', {
      key: a.key,
      body: { name: 'evil', text: '{{ name.constructor.constructor("return process")().exit() }}\n{{ range.__proto__ }}', variables: nameSchema },
    });
    expectError(injection, 400, 'template_unsafe');
    expect(injection.body.error.details.map((d: any) => [d.code, d.line])).toEqual([
      ['forbidden_name', 1],
      ['forbidden_name', 1],
      ['forbidden_name', 2],
    ]);
    const invalid = await p.call('/v1/prompts', { key: a.key, body: { name: 'sloppy', text: '{{ nme }} {{ name | shout }}', variables: nameSchema } });
    expectError(invalid, 400, 'template_invalid');
    expect(invalid.body.error.details.map((d: any) => d.code)).toEqual(['undeclared_variable', 'unknown_filter']);
    const syntax = await p.call('/v1/prompts', { key: a.key, body: { name: 'broken', text: 'ok\n{% if name %}unclosed', variables: nameSchema } });
    expectError(syntax, 400, 'template_invalid');
    expect(syntax.body.error.details[0].code).toBe('syntax_error');
    const schema = await p.call('/v1/prompts', { key: a.key, body: { name: 'regex', text: '{{ a }}', variables: { properties: { a: { type: 'string', pattern: '(a+)+$' } } } } });
    expectError(schema, 400, 'variables_schema_invalid');
    const chat = await p.call('/v1/prompts', {
      key: a.key,
      body: { name: 'evil-chat', messages: [{ role: 'system', content: 'fine' }, { role: 'user', content: '{{ cycler.constructor }}' }] },
    });
    expectError(chat, 400, 'template_unsafe');
    expect(chat.body.error.details[0].template).toBe('evil-chat (message 2, user)');
    expect((await p.call('/v1/prompts', { key: a.key })).body.data.map((t: any) => t.name)).not.toContain('evil');
  });

  it('gives bad input a 4xx with our error shape', async () => {
    expectError(await p.call('/v1/prompts', { key: a.key, body: { name: 'Bad Name!', text: 'x' } }), 400, 'validation_failed');
    const both = await p.call('/v1/prompts', { key: a.key, body: { name: 'both', text: 'x', messages: [{ role: 'user', content: 'y' }] } });
    expectError(both, 400, 'validation_failed');
    expectError(await p.call('/v1/prompts/greeting/render', { key: a.key, body: { label: 'production', version: 1 } }), 400, 'validation_failed');
    expectError(await p.call('/v1/prompts/greeting/labels/Not%20A%20Label', { method: 'PUT', key: a.key, body: { version: 1 } }), 400, 'invalid_label');
    expectError(await p.call('/v1/prompts/greeting/labels/production', { method: 'PUT', key: a.key, body: { version: 99 } }), 404, 'version_not_found');
    expectError(await p.call('/v1/prompts/greeting/versions/abc', { key: a.key }), 404, 'version_not_found');
    expectError(await p.call('/v1/prompts/nope/render', { key: a.key, body: {} }), 404, 'template_not_found');
    const deep = { v: {} as Record<string, unknown> };
    let cursor = deep.v;
    for (let i = 0; i < 40; i++) cursor = cursor.x = {};
    expectError(await p.call('/v1/prompts/greeting/render', { key: a.key, body: { variables: { name: 'x', ...deep } } }), 400, 'validation_failed');
  });
});

describe('includes, imports and tenancy', () => {
  it('imports macros and includes templates from the same tenant, by label or version', async () => {
    await create(a.key, { name: 'macros', text: '{% macro shout(x) %}{{ x | upper }}!{% endmacro %}' });
    await create(a.key, { name: 'signature', text: '-- {{ team }}', variables: { properties: { team: { type: 'string' } } }, labels: ['production'] });
    await create(a.key, {
      name: 'letter',
      text: '{% from "macros" import shout %}{{ shout(name) }}\n{% include "signature@production" %}',
      variables: { properties: { name: { type: 'string' }, team: { type: 'string' } }, required: ['name', 'team'] },
    });
    const res = await p.call('/v1/prompts/letter/render', { key: a.key, body: { variables: { name: 'Ada', team: 'Support' } } });
    expect(res.body.text).toBe('ADA!\n-- Support');
  });

  it("never resolves another tenant's template, and reports include cycles", async () => {
    await create(b.key, { name: 'letter', text: '{% include "signature" %}' });
    const res = await p.call('/v1/prompts/letter/render', { key: b.key, body: {} });
    expectError(res, 400, 'template_render_failed');
    expect(res.body.error.details.reason).toBe('include_not_found');

    await create(b.key, { name: 'ping', text: 'ping {% include "pong" %}' });
    await create(b.key, { name: 'pong', text: 'pong {% include "ping" %}' });
    const cycle = await p.call('/v1/prompts/ping/render', { key: b.key, body: {} });
    expectError(cycle, 400, 'template_render_failed');
    expect(cycle.body.error.details.reason).toBe('include_cycle');
  });

  it("tenant B can't see, render, diff or move labels of tenant A's templates", async () => {
    expectError(await p.call('/v1/prompts/greeting', { key: b.key }), 404, 'template_not_found');
    expectError(await p.call('/v1/prompts/greeting/versions', { key: b.key }), 404, 'template_not_found');
    expectError(await p.call('/v1/prompts/greeting/versions/1', { key: b.key }), 404, 'template_not_found');
    expectError(await p.call('/v1/prompts/greeting/render', { key: b.key, body: { variables: { name: 'x' } } }), 404, 'template_not_found');
    expectError(await p.call('/v1/prompts/greeting/diff?from=1&to=2', { key: b.key }), 404, 'template_not_found');
    expectError(await p.call('/v1/prompts/greeting/labels/production', { method: 'PUT', key: b.key, body: { version: 2 } }), 404, 'template_not_found');
    expectError(await p.call('/v1/prompts/greeting/labels/production', { method: 'DELETE', key: b.key }), 404, 'template_not_found');
    expectError(await p.call('/v1/prompts/greeting/label-history', { key: b.key }), 404, 'template_not_found');
    expectError(await p.call('/v1/prompts/greeting/versions', { key: b.key, body: { text: 'hijack' } }), 404, 'template_not_found');
    expect((await p.call('/v1/prompts', { key: b.key })).body.data.map((t: any) => t.name).sort()).toEqual(['letter', 'ping', 'pong']);
    const template = await p.call('/v1/prompts/greeting', { key: a.key });
    expect(template.body.labels.production).toBe(1);
  });
});

describe('completions from a template', () => {
  it('renders the named version into the messages and records it on the run and its row', async () => {
    const res = await p.call('/v1/completions', {
      key: a.key,
      body: { model: 'gpt-4o-mini', template: { name: 'greeting', label: 'production', variables: { name: 'Ada' } } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.text).toBe('[simulated] You said: Hello Ada!');
    expect(res.body.prompt).toMatchObject({ name: 'greeting', version: 1, label: 'production' });

    const { rows } = await p.pool.query('SELECT prompt_template, prompt_version FROM completions WHERE run_id = $1', [res.body.id]);
    expect(rows).toEqual([{ prompt_template: 'greeting', prompt_version: 1 }]);
    const description = await p.client.workflow.getHandle(res.body.id).describe();
    expect(description.typedSearchAttributes.get(PROMPT)).toBe('greeting@1');
    expect(await description.memo).toMatchObject({ prompt: { name: 'greeting', version: 1, label: 'production' } });
    const run = await p.call(`/v1/runs/${res.body.id}`, { key: a.key });
    expect(run.body.result.prompt).toMatchObject({ name: 'greeting', version: 1 });

    const chat = await p.call('/v1/completions', {
      key: a.key,
      body: { model: 'claude-sonnet-4-6', max_tokens: 50, template: { name: 'support', version: 1, variables: { product: 'Acme', question: 'Refund please' } } },
    });
    expect(chat.body.text).toBe('[simulated] You said: Refund please');
  });

  it('refuses bad template requests before any run starts', async () => {
    const before = p.emulator.stats().total;
    const invalid = await p.call('/v1/completions', { key: a.key, body: { model: 'gpt-4o-mini', template: { name: 'greeting', variables: { nom: 'x' } } } });
    expectError(invalid, 400, 'variables_invalid');
    expect(invalid.body.error.details.map((d: any) => d.code).sort()).toEqual(['missing', 'unexpected']);
    const both = await p.call('/v1/completions', {
      key: a.key,
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], template: { name: 'greeting', variables: { name: 'x' } } },
    });
    expectError(both, 400, 'validation_failed');
    expectError(await p.call('/v1/completions', { key: b.key, body: { model: 'gpt-4o-mini', template: { name: 'greeting', variables: { name: 'x' } } } }), 404, 'template_not_found');
    expect(p.emulator.stats().total).toBe(before);
  });
});
