import { loadEnv } from '../config.ts';
import { clickHouseTarget } from './clickhouse-client.ts';
import { migrateClickHouse } from './clickhouse-migrate.ts';

// `npm run migrate:clickhouse`: applies infra/clickhouse/migrations to CLICKHOUSE_URL / CLICKHOUSE_DATABASE.
const target = clickHouseTarget(loadEnv());
if (!target) {
  process.stderr.write('CLICKHOUSE_URL is not set; without it model metrics live in Postgres (`npm run migrate`).\n');
  process.exit(2);
}
const result = await migrateClickHouse(target);
process.stdout.write(`${JSON.stringify({ database: target.database, ...result })}\n`);
