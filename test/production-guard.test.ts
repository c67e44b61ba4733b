import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderSet, providerStates } from '../core/providers/provider-set.ts';
import { PROVIDER_IDS, providerForModel } from '../core/providers/provider-registry.ts';
import { loadEnv } from '../platform/config.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const statuses = (env: Record<string, string>) => Object.fromEntries(providerStates(loadEnv(env), {}).map((p) => [p.id, p.status]));

describe('the provider registry', () => {
  it('is the one list of provider ids, and knows each vendor’s model ids', () => {
    expect(PROVIDER_IDS).toEqual(['openai', 'anthropic', 'local']);
    expect(['gpt-4o-mini', 'o3', 'claude-haiku-4-5', 'local/llama3.2', 'mistral-large'].map(providerForModel)).toEqual(['openai', 'openai', 'anthropic', 'local', undefined]);
  });

  it('simulates a vendor without a key in development, and never in production', () => {
    expect(statuses({})).toEqual({ openai: 'simulated', anthropic: 'simulated', local: 'not_configured' });
    expect(statuses({ SOMA_ENV: 'production', ANTHROPIC_API_KEY: 'sk-ant-test', LOCAL_MODEL_BASE_URL: 'http://127.0.0.1:11434/v1' })).toEqual({
      openai: 'not_configured',
      anthropic: 'real',
      local: 'real',
    });
    const production = createProviderSet(loadEnv({ SOMA_ENV: 'production' }), {});
    expect([...production.keys()]).toEqual([]);
  });

  it('reads a variable platform/config.ts declares from the parsed Env, never the raw environment', () => {
    // A developer's shell key must not turn a test's simulated vendor real.
    expect(providerStates(loadEnv({}), { OPENAI_API_KEY: 'sk-from-the-shell' }).find((p) => p.id === 'openai')?.status).toBe('simulated');
  });
});

describe('SOMA_ENV=production without vendor keys', () => {
  let p: TestPlatform;
  let tenant: { tenantId: string; key: string };
  beforeAll(async () => {
    // Anthropic has a key (never called here); OpenAI has none; local models are the emulator.
    p = await startTestPlatform({ env: { SOMA_ENV: 'production', ANTHROPIC_API_KEY: 'sk-ant-test' }, localModels: true });
    tenant = await p.newTenant('production');
  });
  afterAll(async () => p?.close());

  it('answers 503 provider_not_configured for gpt-*, naming the variable to set, and calls no emulator', async () => {
    const before = (await (await fetch(`${p.emulator.url}/_emulator/stats`)).json()) as { total: number };
    const res = await p.call('/v1/completions', { key: tenant.key, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'provider_not_configured' });
    expect(res.body.error.message).toContain('OPENAI_API_KEY');
    const after = (await (await fetch(`${p.emulator.url}/_emulator/stats`)).json()) as { total: number };
    expect(after.total).toBe(before.total);
  });

  it('lists in /readyz which vendors are real and which are not configured', async () => {
    const res = await p.call('/readyz');
    expect(res.body.providers).toEqual({ openai: 'not_configured', anthropic: 'real', local: 'real' });
  });
});
