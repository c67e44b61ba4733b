import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../stack/embedded-postgres.ts';
import pgLib from 'pg';
import { createPool, type Pool } from '../stores/pool.ts';
import { freePort } from './support/free-port.ts';

const pgClient = pgLib.Client;
let pg: EmbeddedPostgres;
let pool: Pool;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({ port: await freePort() });
  pool = createPool(pg.url, 8);
  await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
  await pool.query('INSERT INTO counter VALUES (1, 0)');
});
afterAll(async () => {
  await pool?.end();
  await pg?.stop();
});

describe('embedded Postgres over the wire', () => {
  it('keeps concurrent parameterised queries from different connections apart', async () => {
    // Different parameter counts: an interleaved Parse/Bind would fail loudly.
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? pool.query<{ v: number }>('SELECT $1::int + $2::int AS v', [i, 1]).then((r) => r.rows[0]!.v === i + 1)
          : pool.query<{ v: string }>('SELECT $1::text AS v', [`q${i}`]).then((r) => r.rows[0]!.v === `q${i}`),
      ),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('keeps transactions isolated and whole under concurrency', async () => {
    const increments = Array.from({ length: 40 }, async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
        await client.query('UPDATE counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
    const rolledBack = (async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('UPDATE counter SET n = n + 1000 WHERE id = 1');
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    })();
    await Promise.all([...increments, rolledBack]);
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0]!.n).toBe(40);
  });

  it('rolls back the transaction of a client that disconnects mid-way', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('UPDATE counter SET n = -1 WHERE id = 1');
    client.release(new Error('drop this connection'));
    const { rows } = await pool.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(rows[0]!.n).toBe(40);
  });
});

describe('LISTEN/NOTIFY over the shared session', () => {
  const connect = async () => {
    const client = new pgClient({ connectionString: pg.url });
    await client.connect();
    const got: string[] = [];
    client.on('notification', (n) => got.push(`${n.channel}:${n.payload ?? ''}`));
    return { client, got };
  };

  it('delivers a notification to the connections that listen, not to the one that happened to run', async () => {
    const [a, b, c] = [await connect(), await connect(), await connect()];
    try {
      await a.client.query('LISTEN jobs');
      await c.client.query('LISTEN "Jobs"');
      await c.client.query('LISTEN jobs');
      await b.client.query("NOTIFY jobs, 'one'");
      await b.client.query("SELECT pg_notify('Jobs', $1)", ['two']);
      // Inside a transaction a notification waits for the commit.
      await b.client.query('BEGIN');
      await b.client.query("NOTIFY jobs, 'three'");
      await b.client.query('COMMIT');
      await expect.poll(() => c.got.length).toBe(3);
      await expect.poll(() => a.got).toEqual(['jobs:one', 'jobs:three']);
      expect(c.got).toEqual(['jobs:one', 'Jobs:two', 'jobs:three']);
      expect(b.got).toEqual([]);

      // One connection's UNLISTEN leaves the others listening; so does its disconnect.
      await c.client.query('UNLISTEN jobs');
      await b.client.query("NOTIFY jobs, 'four'");
      await expect.poll(() => a.got.at(-1)).toBe('jobs:four');
      await a.client.end();
      await b.client.query("NOTIFY jobs, 'nobody'");
      await b.client.query("NOTIFY \"Jobs\", 'five'");
      await expect.poll(() => c.got.at(-1)).toBe('Jobs:five');
      expect(c.got).not.toContain('jobs:four');
      expect(c.got).not.toContain('jobs:nobody');
    } finally {
      await Promise.allSettled([a.client.end(), b.client.end(), c.client.end()]);
    }
  });

  it('keeps query results whole when notifications are taken out of them', async () => {
    const listener = await connect();
    try {
      await listener.client.query('LISTEN bulk');
      const payload = 'x'.repeat(7000);
      // Many notifications committed by one statement share its output with the rows.
      const { rows } = await pool.query<{ n: number }>("SELECT count(pg_notify('bulk', $1 || i::text))::int AS n FROM generate_series(1, 50) AS i", [payload]);
      expect(rows[0]!.n).toBe(50);
      await expect.poll(() => listener.got.length).toBe(50);
      expect(listener.got[49]).toBe(`bulk:${payload}50`);
    } finally {
      await listener.client.end();
    }
  });
});
