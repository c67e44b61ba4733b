import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../stack/embedded-postgres.ts';
import { createPool, type Pool } from '../stores/pool.ts';
import { freePort } from './support/free-port.ts';

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
