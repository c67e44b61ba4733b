import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PgliteWireServer } from './pglite-wire-server.ts';

export interface EmbeddedPostgresOptions {
  /** A folder that keeps the data across restarts, or undefined for an in-memory database. */
  dataDir?: string;
  host?: string;
  port: number;
}

export interface EmbeddedPostgres {
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
  const server = new PgliteWireServer(db);
  await server.listen(options.port, host);
  return {
    url: `postgres://postgres:postgres@${host}:${options.port}/postgres?sslmode=disable`,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}
