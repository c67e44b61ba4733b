import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import type { Env } from '../config.ts';

export type { ClickHouseClient };

/** Where the ClickHouse data lives: the server (credentials included) and the database. */
export interface ClickHouseTarget {
  /** http[s]://[user:password@]host:port, without a path. */
  url: string;
  database: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The target named by CLICKHOUSE_URL, or undefined when it is unset (metrics then stay in
 * Postgres). CLICKHOUSE_DATABASE wins over a database written as the URL's path.
 */
export function clickHouseTarget(env: Pick<Env, 'CLICKHOUSE_URL' | 'CLICKHOUSE_DATABASE'>): ClickHouseTarget | undefined {
  if (!env.CLICKHOUSE_URL) return undefined;
  const url = new URL(env.CLICKHOUSE_URL);
  const fromPath = url.pathname.replace(/^\/+|\/+$/g, '');
  const database = env.CLICKHOUSE_DATABASE ?? (fromPath || 'default');
  if (!IDENTIFIER.test(database)) throw new Error(`invalid ClickHouse database name: ${database}`);
  url.pathname = '';
  return { url: url.toString().replace(/\/$/, ''), database };
}

export interface ClickHouseClientOptions {
  /** Another database than the target's (the migration runner creates the target's from `system`). */
  database?: string;
  requestTimeoutMs?: number;
}

/**
 * A client with its own logging off: callers decide what a failure means (the metrics sink
 * retries it), so the library's console output would only be noise.
 */
export function createClickHouseClient(target: ClickHouseTarget, options: ClickHouseClientOptions = {}): ClickHouseClient {
  return createClient({
    url: target.url,
    database: options.database ?? target.database,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    application: 'somaagent',
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/**
 * A string literal for ClickHouse SQL. ClickHouse 18.16 has no query parameters, so values
 * are inlined; backslash and quote are the only characters a literal must escape.
 */
export function clickHouseString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A quoted identifier (database or table name), checked first. */
export function clickHouseIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid ClickHouse identifier: ${name}`);
  return `\`${name}\``;
}
