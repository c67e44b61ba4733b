import { API_KEY_PREFIX } from '../../stores/api-keys.ts';
import type pg from 'pg';

/**
 * A whole API key (or more of one than listings show): `api_keys.display_prefix` keeps the
 * prefix and 4 characters on purpose, so users can tell keys apart; anything longer is a leak.
 */
const PLAINTEXT_API_KEY = `${API_KEY_PREFIX}[A-Za-z0-9_-]{5,}`;

export interface SecretFinding {
  table: string;
  column: string;
  rows: number;
  /** The match with all but its first characters masked, so the report itself leaks nothing. */
  sample: string;
}

interface ColumnRow {
  table_schema: string;
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Every column of every table that could hold text — text, varchar, char, json, jsonb, arrays,
 * tsvector, bytea — enumerated from information_schema (so a table added tomorrow is scanned
 * too), searched for a plaintext API key. Takes a pool or one client (whose temporary tables
 * it sees too).
 */
export async function findPlaintextApiKeys(pool: Pick<pg.ClientBase, 'query'>): Promise<SecretFinding[]> {
  const { rows: columns } = await pool.query<ColumnRow>(
    `SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type IN ('BASE TABLE', 'LOCAL TEMPORARY')
        AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
        AND c.table_schema NOT LIKE 'pg_toast%'
        -- Other sessions' temporary tables cannot be read (and vanish with their session).
        AND (c.table_schema NOT LIKE 'pg_temp%' OR c.table_schema = pg_my_temp_schema()::regnamespace::text)
        AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea')
             OR c.udt_name IN ('tsvector', 'citext'))
      ORDER BY 1, 2, 3`,
  );
  const findings: SecretFinding[] = [];
  for (const c of columns) {
    const table = `${quote(c.table_schema)}.${quote(c.table_name)}`;
    const column = quote(c.column_name);
    // bytea as text is hex; look at its bytes as (lossy) text instead.
    const asText = c.data_type === 'bytea' ? `encode(${column}, 'escape')` : `${column}::text`;
    const { rows } = await pool.query<{ n: number; sample: string | null }>(
      `SELECT count(*)::int AS n, min(substring(${asText} from $1)) AS sample FROM ${table} WHERE ${asText} ~ $1`,
      [PLAINTEXT_API_KEY],
    );
    const hit = rows[0]!;
    if (hit.n > 0) {
      findings.push({
        table: `${c.table_schema}.${c.table_name}`,
        column: c.column_name,
        rows: hit.n,
        sample: `${(hit.sample ?? '').slice(0, API_KEY_PREFIX.length + 2)}…`,
      });
    }
  }
  return findings;
}

/** One line per finding, for an error message. */
export function describeFindings(findings: readonly SecretFinding[]): string {
  return findings.map((f) => `${f.table}.${f.column}: ${f.rows} row(s), e.g. ${f.sample}`).join('\n');
}
