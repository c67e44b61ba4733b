import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCircuitBreakerStore } from '../stores/circuit-breakers.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';

let pool: Pool;
beforeAll(() => {
  pool = createPool(inject('databaseUrl'), 4);
});
afterAll(async () => pool?.end());

const policy = { failureThreshold: 3, openMs: 300, probeTimeoutMs: 1_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('shared circuit breaker', () => {
  it('opens after consecutive failures, lets exactly one probe through, and closes on success', async () => {
    const breakers = createCircuitBreakerStore(pool, policy);
    const model = `m-${Date.now()}-a`;
    expect(await breakers.verdict(model)).toBe('call');
    expect(await breakers.reportFailure(model)).toBe('closed');
    expect(await breakers.reportFailure(model)).toBe('closed');
    expect(await breakers.reportFailure(model)).toBe('open');
    expect(await breakers.verdict(model)).toBe('skip');

    await sleep(policy.openMs + 50);
    // Two workers ask at once: one gets the probe, the other keeps skipping.
    const verdicts = await Promise.all([breakers.verdict(model), breakers.verdict(model)]);
    expect(verdicts.sort()).toEqual(['probe', 'skip']);

    await breakers.reportSuccess(model);
    expect(await breakers.verdict(model)).toBe('call');
    const status = (await breakers.list()).find((b) => b.modelId === model);
    expect(status).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('re-opens when the probe fails, and a success in between resets the count', async () => {
    const breakers = createCircuitBreakerStore(pool, policy);
    const model = `m-${Date.now()}-b`;
    await breakers.reportFailure(model);
    await breakers.reportFailure(model);
    await breakers.reportSuccess(model);
    expect(await breakers.reportFailure(model)).toBe('closed');
    await breakers.reportFailure(model);
    expect(await breakers.reportFailure(model)).toBe('open');
    await sleep(policy.openMs + 50);
    expect(await breakers.verdict(model)).toBe('probe');
    expect(await breakers.reportFailure(model)).toBe('open');
    expect(await breakers.verdict(model)).toBe('skip');
  });

  it('gives up on a probe whose worker died', async () => {
    const breakers = createCircuitBreakerStore(pool, { ...policy, probeTimeoutMs: 600 });
    const model = `m-${Date.now()}-c`;
    for (let i = 0; i < 3; i++) await breakers.reportFailure(model);
    await sleep(policy.openMs + 50);
    expect(await breakers.verdict(model)).toBe('probe');
    expect(await breakers.verdict(model)).toBe('skip');
    await sleep(650);
    expect(await breakers.verdict(model)).toBe('probe');
  });
});
