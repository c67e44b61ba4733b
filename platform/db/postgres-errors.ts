/**
 * Which Postgres failures a retry can fix. Activities retry within a bound, but a retry of bad
 * data only burns the bound (or, with no bound, jams the run for ever), so the worker fails those
 * at once and lets the rest retry. One table for every store, keyed by SQLSTATE
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
import pg from 'pg';

/**
 * - `data`: the statement can never succeed with these values (22xxx data exception, e.g. 22003
 *   numeric overflow, 22P02 bad text for a type, 22021 a NUL byte; 54xxx program limit, e.g.
 *   54001 nesting too deep).
 * - `transient`: the server or the connection was the trouble (08xxx connection, 40001
 *   serialization, 40P01 deadlock, 53xxx resources, 57P01..57P03 shutdown or start-up, 57014 a
 *   statement time-out, 55P03 a lock not granted, 58xxx I/O), or the socket itself failed.
 * - `unknown`: anything else, retried within the bound. Integrity violations (23xxx) stay here on
 *   purpose: a unique or foreign-key race is often settled by the next attempt; and 42xxx (an
 *   undefined table or column) can be a migration a rolling deploy has not applied yet.
 */
export type PostgresErrorKind = 'data' | 'transient' | 'unknown';

export interface PostgresErrorClass {
  kind: PostgresErrorKind;
  /** The SQLSTATE when the server sent one. */
  sqlstate: string | null;
}

const DATA_CLASSES = new Set(['22', '54']);
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '58']);
const TRANSIENT_CODES = new Set(['57P01', '57P02', '57P03', '57014', '55P03']);
/** Socket failures of the client before or between statements; they carry no SQLSTATE. */
const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg's own messages for a connection that went away (no SQLSTATE either). */
const TRANSIENT_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i];

const SQLSTATE = /^[0-9A-Z]{5}$/;

function sqlstateOf(err: unknown): string | null {
  // A DatabaseError, or one that a store wrapped (Error.cause), possibly from a second copy of pg.
  for (let current = err, depth = 0; current && typeof current === 'object' && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    const fromServer = current instanceof pg.DatabaseError || typeof (current as { severity?: unknown }).severity === 'string';
    if (fromServer && typeof code === 'string' && SQLSTATE.test(code)) return code;
  }
  return null;
}

export function classifyPostgresError(err: unknown): PostgresErrorClass {
  const sqlstate = sqlstateOf(err);
  if (sqlstate) {
    const family = sqlstate.slice(0, 2);
    if (DATA_CLASSES.has(family)) return { kind: 'data', sqlstate };
    if (TRANSIENT_CLASSES.has(family) || TRANSIENT_CODES.has(sqlstate)) return { kind: 'transient', sqlstate };
    return { kind: 'unknown', sqlstate };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_SOCKET_CODES.has(code)) return { kind: 'transient', sqlstate: null };
    if (TRANSIENT_MESSAGES.some((m) => m.test(err.message))) return { kind: 'transient', sqlstate: null };
  }
  return { kind: 'unknown', sqlstate: null };
}
