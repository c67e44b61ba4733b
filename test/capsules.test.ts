import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let owner: { tenantId: string; key: string };
let other: { tenantId: string; key: string };
const name = `support-bot-${Date.now().toString(36)}`;

const manifest = (version: string, greeting = 'Hello {{ customer }}, how can I help?') => ({
  name,
  version,
  description: 'Answers support questions politely.',
  prompts: [
    {
      name: `${name}-greeting`,
      text: greeting,
      variables: { type: 'object', properties: { customer: { type: 'string', minLength: 1 } }, required: ['customer'] },
      labels: ['production'],
    },
  ],
  model_policy: { model: 'auto', routing: { quality_floor: 0.6 }, parameters: { max_tokens: 200 } },
  required_tools: ['search_kb'],
  evaluation: { cases: [{ name: 'greets by name', variables: { customer: 'Ada' }, expect: { contains: ['Ada'] } }] },
});

beforeAll(async () => {
  p = await startTestPlatform();
  owner = await p.newTenant('publisher');
  other = await p.newTenant('installer');
});
afterAll(async () => p?.close());

describe('capsule registry', () => {
  it('publishes immutable versions under a name its first publisher owns', async () => {
    const v1 = await p.call('/v1/capsules', { key: owner.key, body: manifest('1.0.0') });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ object: 'capsule_version', name, version: '1.0.0', required_tools: ['search_kb'] });
    // The same content again is fine (a retried publish); other content under 1.0.0 is not.
    expect((await p.call('/v1/capsules', { key: owner.key, body: manifest('1.0.0') })).status).toBe(200);
    const changed = await p.call('/v1/capsules', { key: owner.key, body: manifest('1.0.0', 'Hi {{ customer }}!') });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('capsule_version_exists');
    const taken = await p.call('/v1/capsules', { key: other.key, body: manifest('9.0.0') });
    expect(taken.status).toBe(403);
    expect(taken.body.error.code).toBe('capsule_name_taken');
    for (const v of ['1.1.0-beta.1', '1.1.0', '1.10.0']) {
      expect((await p.call('/v1/capsules', { key: owner.key, body: manifest(v, `Hi {{ customer }} (${v})`) })).status).toBe(201);
    }
    const listed = await p.call(`/v1/capsules/${name}`, { key: other.key });
    // Semantic order, newest first: 1.10.0 after 1.1.0, a release after its pre-release.
    expect(listed.body).toMatchObject({ latest_version: '1.10.0', versions: ['1.10.0', '1.1.0', '1.1.0-beta.1', '1.0.0'] });
    expect((await p.call('/v1/capsules', { key: other.key })).body.data.map((c: { name: string }) => c.name)).toContain(name);
    expect((await p.call(`/v1/capsules/${name}/versions/1.0.0`, { key: other.key })).body.prompts[0].text).toContain('how can I help');
  });

  it('installs a version into a tenant: templates with their labels, and the model policy', async () => {
    const res = await p.call(`/v1/capsules/${name}/install`, { key: other.key, body: { version: '1.0.0' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'capsule_install', name, version: '1.0.0', policy: name, prompts: [{ name: `${name}-greeting`, version: 1, created: true, labels: ['production'] }] });
    const rendered = await p.call(`/v1/prompts/${name}-greeting/render`, { key: other.key, body: { label: 'production', variables: { customer: 'Ada' } } });
    expect(rendered.status).toBe(200);
    expect(JSON.stringify(rendered.body)).toContain('Hello Ada, how can I help?');
    expect((await p.call(`/v1/policies/${name}`, { key: other.key })).body).toMatchObject({ model: 'auto', parameters: { max_tokens: 200 } });

    // The installed pieces work together: a completion from the template through the policy.
    const completion = await p.call('/v1/completions', { key: other.key, body: { policy: name, template: { name: `${name}-greeting`, label: 'production', variables: { customer: 'Ada' } } } });
    expect(completion.status).toBe(200);
    expect(completion.body).toMatchObject({ policy: name, requested_model: 'auto' });

    // Installing again changes nothing; upgrading adds a version and moves the label.
    const again = await p.call(`/v1/capsules/${name}/install`, { key: other.key, body: { version: '1.0.0' } });
    expect(again.body.prompts[0]).toMatchObject({ version: 1, created: false });
    const upgrade = await p.call(`/v1/capsules/${name}/install`, { key: other.key, body: {} });
    expect(upgrade.body).toMatchObject({ version: '1.10.0', prompts: [{ version: 2, created: true }] });
    const installed = await p.call('/v1/capsules/installed', { key: other.key });
    expect(installed.body.data).toEqual([expect.objectContaining({ name, version: '1.10.0' })]);
    // The publisher has installed nothing.
    expect((await p.call('/v1/capsules/installed', { key: owner.key })).body.data).toEqual([]);
  });

  it('refuses broken capsules before anything is stored or installed', async () => {
    const bad = await p.call('/v1/capsules', { key: owner.key, body: { ...manifest('2.0.0'), version: 'two' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const broken = await p.call('/v1/capsules', { key: owner.key, body: manifest('2.0.0', 'Hello {{ customer ') });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('template_invalid');
    const undeclared = await p.call('/v1/capsules', { key: owner.key, body: manifest('2.0.0', 'Hello {{ stranger }}') });
    expect(undeclared.status).toBe(400);
    expect((await p.call(`/v1/capsules/${name}/install`, { key: other.key, body: { version: '7.7.7' } })).status).toBe(404);
    expect((await p.call('/v1/capsules/No%20Such/install', { key: other.key, body: {} })).body.error.code).toBe('invalid_capsule_name');

    // A capsule whose model this deployment cannot call installs nothing.
    const unusable = `${name}-x`;
    const published = await p.call('/v1/capsules', { key: owner.key, body: { ...manifest('1.0.0'), name: unusable, prompts: [{ name: `${unusable}-p`, text: 'hi' }], model_policy: { model: 'local/not-configured' } } });
    expect(published.status).toBe(201);
    const refused = await p.call(`/v1/capsules/${unusable}/install`, { key: other.key, body: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('model_not_found');
    expect((await p.call(`/v1/prompts/${unusable}-p`, { key: other.key })).status).toBe(404);
  });
});
