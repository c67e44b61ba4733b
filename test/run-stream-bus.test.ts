import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newId } from '../platform/ids.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { createPostgresRunStreamBus } from '../stores/run-streams/postgres-run-stream-bus.ts';
import { createRedisRunStreamBus } from '../stores/run-streams/redis-run-stream-bus.ts';
import type { RunStreamBus } from '../stores/run-streams/run-stream-bus.ts';
import type { RunStreamEvent } from '../stores/run-streams/run-stream-events.ts';

let pool: Pool;
beforeAll(() => {
  pool = createPool(inject('databaseUrl'), 4);
});
afterAll(async () => pool?.end());

const attempt = { model: 'm', provider: 'local', attempt: 1, fallbackDepth: 0 } as const;

// The same contract on both engines: Postgres LISTEN/NOTIFY (embedded default) and Redis.
describe.each([
  ['postgres', () => createPostgresRunStreamBus({ pool, connectionString: inject('databaseUrl') })],
  ['redis', () => createRedisRunStreamBus(inject('redisUrl'))],
] as const)('run stream bus on %s', (_name, make) => {
  let publisher: RunStreamBus;
  let subscriber: RunStreamBus;
  beforeAll(() => {
    // Separate buses, as in separate worker and API processes.
    publisher = make();
    subscriber = make();
  });
  afterAll(async () => {
    await publisher?.close();
    await subscriber?.close();
  });

  it('delivers a run’s events in order, with large text split and whole again', async () => {
    const runId = newId('run');
    const got: RunStreamEvent[] = [];
    const sub = await subscriber.subscribe(runId, (events) => got.push(...events));
    // Larger than a NOTIFY payload may be, and not ASCII.
    const big = 'é"\n\u0001'.repeat(5000);
    await publisher.publish(runId, [{ type: 'attempt', ...attempt }, { type: 'delta', text: 'Hello' }]);
    await publisher.publish(runId, [{ type: 'delta', text: big }, { type: 'attempt_done', ...attempt }]);
    await expect.poll(() => got.at(-1)?.type).toBe('attempt_done');
    expect(got[0]).toEqual({ type: 'attempt', ...attempt });
    const text = got.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
    expect(text).toBe(`Hello${big}`);
    await sub.close();
  });

  it('keeps runs apart and serves every subscriber of a run until it leaves', async () => {
    const [run1, run2] = [newId('run'), newId('run')];
    const first: string[] = [];
    const second: string[] = [];
    const other: string[] = [];
    const text = (events: RunStreamEvent[]) => events.flatMap((e) => (e.type === 'delta' ? [e.text] : []));
    const s1 = await subscriber.subscribe(run1, (e) => first.push(...text(e)));
    const s2 = await subscriber.subscribe(run1, (e) => second.push(...text(e)));
    const s3 = await subscriber.subscribe(run2, (e) => other.push(...text(e)));
    await publisher.publish(run1, [{ type: 'delta', text: 'a' }]);
    await expect.poll(() => second).toEqual(['a']);
    await s2.close();
    await publisher.publish(run1, [{ type: 'delta', text: 'b' }]);
    await expect.poll(() => first).toEqual(['a', 'b']);
    expect(second).toEqual(['a']);
    expect(other).toEqual([]);
    await s1.close();
    await publisher.publish(run1, [{ type: 'delta', text: 'c' }]);
    await publisher.publish(run2, [{ type: 'delta', text: 'z' }]);
    await expect.poll(() => other).toEqual(['z']);
    expect(first).toEqual(['a', 'b']);
    await s3.close();
  });
});
