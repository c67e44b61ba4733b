import pg from 'pg';

export type Pool = pg.Pool;

/** The one Postgres client for all application code, whichever server is behind the URL. */
export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', (err) => {
    process.stderr.write(`[postgres] idle client error: ${err.message}\n`);
  });
  return pool;
}
