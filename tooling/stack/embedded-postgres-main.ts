import { startEmbeddedPostgres } from './embedded-postgres.ts';

// Runs the embedded Postgres as its own process so its CPU-heavy WASM engine never stalls the
// supervisor. Arguments come from the parent (stack/main.ts or the test setup).
const port = Number(process.env.PGLITE_PORT ?? 5433);
const dataDir = process.env.PGLITE_DATA_DIR || undefined;
const password = process.env.PGLITE_PASSWORD;
if (!password) {
  process.stderr.write('error: PGLITE_PASSWORD is not set; the embedded Postgres never runs without a password.\n');
  process.exit(1);
}
const pg = await startEmbeddedPostgres({ port, password, ...(dataDir ? { dataDir } : {}) });
// The parent builds the connection string itself: this line lands in logs, the password must not.
process.stdout.write(`ready ${new URL(pg.url).host}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Closing PGlite cleanly flushes its data folder; a kill -9 could lose the last writes.
  await pg.stop();
  process.exit(0);
}
// Ctrl-C reaches every process of the terminal at once. Postgres must outlive the API and the
// workers, which still write (accepted metrics, finishing runs) while they drain, so it
// ignores SIGINT and waits for the supervisor's SIGTERM, sent after the others have exited.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void stop());
