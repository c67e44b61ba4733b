import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../tooling/stack/embedded-postgres.ts';
import { embeddedPostgresUrl, ensurePostgresPassword } from '../tooling/stack/postgres-password.ts';
import pgLib from 'pg';
import { createPool, type Pool } from '../platform/db/pool.ts';
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

/** The URL with another password (or none). */
function withPassword(url: string, password: string): string {
  const changed = new URL(url);
  changed.password = password;
  return changed.toString();
}

/** The SQLSTATE a connection attempt fails with. */
async function connectError(connectionString: string): Promise<string | undefined> {
  const client = new pgClient({ connectionString, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A frontend message: type byte, Int32 length, body. */
function frontend(type: string, body: Buffer): Buffer {
  const message = Buffer.alloc(5 + body.length);
  message[0] = type.charCodeAt(0);
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}

const QUERY_42 = frontend('Q', Buffer.from('SELECT 42\0'));

/**
 * A raw client: StartupMessage, then `next` instead of a proper password exchange. Returns
 * every backend message type and the ErrorResponse's SQLSTATE, once the server closes.
 */
async function answerAuthWith(port: number, next: Buffer): Promise<{ types: string[]; sqlState: string | undefined }> {
  const socket = connectTcp(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => {
    chunks.push(d);
    if (chunks.length === 1) socket.write(next);
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const startup = Buffer.alloc(8 + params.length);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4);
  params.copy(startup, 8);
  socket.write(startup);
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const data = Buffer.concat(chunks);
  const types: string[] = [];
  let sqlState: string | undefined;
  for (let at = 0; at + 5 <= data.length; at += 1 + data.readInt32BE(at + 1)) {
    const type = String.fromCharCode(data[at]!);
    types.push(type);
    if (type === 'E') sqlState = /C([0-9A-Z]{5})\0/.exec(data.subarray(at + 5, at + 1 + data.readInt32BE(at + 1)).toString('latin1'))?.[1];
  }
  return { types, sqlState };
}

describe('password (SCRAM-SHA-256)', () => {
  it('works with the right password and refuses a wrong one with 28P01', async () => {
    const { rows } = await pool.query<{ ok: number }>('SELECT 1 AS ok');
    expect(rows[0]!.ok).toBe(1);
    expect(await connectError(pg.url)).toBeUndefined();
    expect(new URL(pg.url).password).not.toBe('');
    expect(new URL(pg.url).password).not.toBe('postgres');
    expect(await connectError(withPassword(pg.url, 'postgres'))).toBe('28P01');
    expect(await connectError(withPassword(pg.url, `${new URL(pg.url).password}x`))).toBe('28P01');
  });

  it('refuses a client that sends no password, before any query runs', async () => {
    const port = Number(new URL(pg.url).port);
    const initial = (mechanism: string, data: string) => {
      const length = Buffer.alloc(4);
      length.writeInt32BE(Buffer.byteLength(data), 0);
      return frontend('p', Buffer.concat([Buffer.from(`${mechanism}\0`), length, Buffer.from(data)]));
    };
    for (const next of [
      QUERY_42, // straight to a query
      frontend('p', Buffer.from('postgres\0')), // a cleartext PasswordMessage
      initial('PLAIN', '\0postgres\0postgres'), // a mechanism not offered
      initial('SCRAM-SHA-256', 'p=tls-server-end-point,,n=,r=abc'), // channel binding without TLS
      initial('SCRAM-SHA-256', 'garbage'),
    ]) {
      const { types, sqlState } = await answerAuthWith(port, next);
      // AuthenticationSASL, then the refusal: no row, no ReadyForQuery.
      expect(types).toEqual(['R', 'E']);
      expect(sqlState).toBe('28P01');
    }
  });

  it('listens on loopback only', async () => {
    expect(new URL(pg.url).hostname).toBe('127.0.0.1');
    const outside = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!outside) return;
    const reached = await new Promise<boolean>((resolve) => {
      const socket = connectTcp(Number(new URL(pg.url).port), outside.address);
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it('keeps a generated password in the state folder, mode 0600, and reuses it', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'soma-pg-password-'));
    try {
      const password = ensurePostgresPassword(stateDir);
      const file = join(stateDir, 'postgres-password');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(password);
      expect(password.length).toBeGreaterThanOrEqual(32);
      expect(ensurePostgresPassword(stateDir)).toBe(password);
      // A file someone loosened is tightened again on the next start.
      chmodSync(file, 0o644);
      expect(ensurePostgresPassword(stateDir)).toBe(password);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(ensurePostgresPassword(mkdtempSync(join(stateDir, 'other-')))).not.toBe(password);

      const port = await freePort();
      const own = await startEmbeddedPostgres({ port, password });
      try {
        expect(own.url).toBe(embeddedPostgresUrl('127.0.0.1', port, password));
        expect(await connectError(own.url)).toBeUndefined();
        expect(await connectError(withPassword(own.url, 'wrong'))).toBe('28P01');
      } finally {
        await own.stop();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
