import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../platform/db/migrate.ts';
import { createPool } from '../../platform/db/pool.ts';
import { createModelRegistryStore, readCatalogue } from '../../stores/model-registry.ts';
import { startEmbeddedPostgres } from '../../tooling/stack/embedded-postgres.ts';
import { generatePostgresPassword } from '../../tooling/stack/postgres-password.ts';
import { findTemporalCli } from '../../tooling/stack/temporal-cli.ts';
import { startTemporalDevServer } from '../../tooling/stack/temporal-dev-server.ts';
import { WORKFLOWS_PATH } from '../../workers/create-worker.ts';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../workers/workflow-outcome-sinks.ts';
import { FAILURE_CONVERTER_PATH } from '../../platform/temporal/payload-codec/payload-data-converter.ts';
import { startClickHouseServer, removeClickHouseServer } from './clickhouse-server.ts';
import { freePort } from './free-port.ts';
import { startRedisServer } from './redis-server.ts';
import { describeFindings, findPlaintextApiKeys, type SecretFinding } from './secret-scan.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundlePath: string;
    /** A private ClickHouse 18.16 (HTTP only); each test file creates its own database in it. */
    clickhouseUrl: string;
    /** A private Redis, for the Redis stream fan-out. */
    redisUrl: string;
  }
}

/**
 * The real engines every test file shares: a Temporal dev server (the same CLI binary as
 * `npm start`), PGlite with pgvector over the Postgres wire protocol (migrated once),
 * ClickHouse and Redis.
 * Workflow code is bundled once here instead of in every worker.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = mkdtempSync(join(tmpdir(), 'soma-test-'));
  const [temporalPort, uiPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const [temporal, postgres, bundle, clickhouse, redis] = await Promise.all([
    startTemporalDevServer({
      binary: findTemporalCli(resolve(process.env.SOMA_STATE_DIR ?? '.soma'), process.env.TEMPORAL_CLI_PATH),
      port: temporalPort,
      uiPort,
      headless: true,
    }),
    // A fresh password per run: the suites reach Postgres only through the URL provided below.
    startEmbeddedPostgres({ port: pgPort, password: generatePostgresPassword() }),
    // The failure converter is bundled as the worker bundles it: workflow failures are encrypted too.
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, failureConverterPath: FAILURE_CONVERTER_PATH, logger: { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} } }),
    // Far from UTC on purpose: model metrics must bucket days in UTC whatever the server's zone.
    startClickHouseServer({ timezone: 'Asia/Tokyo' }),
    startRedisServer(),
  ]);
  const pool = createPool(postgres.url, 1);
  await migrate(pool);
  await createModelRegistryStore(pool).seed(await readCatalogue());
  await pool.end();
  const bundlePath = join(workDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  project.provide('temporalAddress', temporal.address);
  project.provide('databaseUrl', postgres.url);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('clickhouseUrl', clickhouse.url);
  project.provide('redisUrl', redis.url);

  return async () => {
    // Nothing secret at rest, after everything the suite did: a plaintext API key anywhere in
    // Postgres fails the run (the engines are stopped first either way).
    let findings: SecretFinding[] = [];
    let scanError: unknown;
    const scanPool = createPool(postgres.url, 1);
    try {
      findings = await findPlaintextApiKeys(scanPool);
    } catch (err) {
      scanError = err;
    } finally {
      await scanPool.end();
    }
    await Promise.allSettled([temporal.stop(), postgres.stop(), removeClickHouseServer(clickhouse), redis.stop()]);
    rmSync(workDir, { recursive: true, force: true });
    if (scanError !== undefined) throw new Error('The end-of-run scan for plaintext API keys in Postgres failed to run', { cause: scanError });
    if (findings.length > 0) throw new Error(`Plaintext API keys found in Postgres after the run (docs/docs/security/secrets-at-rest.md):\n${describeFindings(findings)}`);
  };
}
