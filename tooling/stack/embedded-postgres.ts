import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PgliteWireServer } from './pglite-wire-server.ts';
import { embeddedPostgresUrl, generatePostgresPassword } from './postgres-password.ts';

export interface EmbeddedPostgresOptions {
  /** A folder that keeps the data across restarts, or undefined for an in-memory database. */
  dataDir?: string;
  /** Loopback by default: the wire server has no TLS, so it is never meant for a network. */
  host?: string;
  port: number;
  /**
   * What clients must prove (SCRAM-SHA-256). Unset: a random one for this process only, which
   * `url` carries; `npm start` passes the one kept in the state folder.
   */
  password?: string;
}

export interface EmbeddedPostgres {
  /** The connection string, password included: hand it to clients, never print it. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite (Postgres compiled to WASM) with pgvector, served over the Postgres wire protocol so
 * application code uses the same `pg` client as against a real server. Connections take turns
 * on PGlite's one session (see PgliteWireServer for what a turn is).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://', { extensions: { vector } });
  const host = options.host ?? '127.0.0.1';
  const password = options.password ?? generatePostgresPassword();
  const server = new PgliteWireServer(db, { password });
  await server.listen(options.port, host);
  return {
    url: embeddedPostgresUrl(host, options.port, password),
    async stop() {
      await server.close();
      await db.close();
    },
  };
}
