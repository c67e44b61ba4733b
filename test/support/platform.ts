import type { Server } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createApp } from '../../api/create-app.ts';
import { loadEnv, type Env } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { newId } from '../../platform/ids.ts';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../tooling/emulator/create-emulator.ts';
import type { ApiKeyRole } from '../../core/access/api-key-role.ts';
import { createPool, type Pool } from '../../platform/db/pool.ts';
import { createWorker } from '../../workers/create-worker.ts';
import type { MetricsSink } from '../../stores/metrics/metrics-sink.ts';
import { createServices } from '../../composition/services.ts';
import { Registry } from 'prom-client';
import { dataConverterFromEnv } from '../../platform/temporal/payload-codec/payload-data-converter.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

export interface TestPlatform {
  apiUrl: string;
  metrics: MetricsSink;
  app: Express;
  env: Env;
  pool: Pool;
  client: Client;
  emulator: Emulator;
  adminKey: string;
  /** A fresh tenant with its own (non-admin) key: a member unless `role` says otherwise. */
  newTenant(name?: string, options?: { role?: ApiKeyRole }): Promise<{ tenantId: string; key: string }>;
  /** fetch against the API with a key and JSON body. */
  call(path: string, init?: { method?: string; key?: string | undefined; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  emulator?: EmulatorOptions;
  env?: Record<string, string>;
  /** Run the worker in this process (default). Off for tests that run it as a child process. */
  worker?: boolean;
  /** Serve `local/<name>` models from this platform's emulator (as an OpenAI-compatible local server). */
  localModels?: boolean;
}

/**
 * The real platform, in-process, against the shared engines: API on a random port, a worker on
 * a task queue of its own (so test files never steal each other's tasks), and a private
 * emulator. Nothing is mocked.
 */
let runtimeInstalled = false;

export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  if (!runtimeInstalled) {
    // The suites inject hundreds of provider failures on purpose; the worker logs each at WARN
    // with a stack trace, which buries real problems in the CI output. Errors still show.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const emulator = await createEmulator(options.emulator ?? {});
  const taskQueue = `test-${newId('q', 6)}`;
  const env = loadEnv({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    EMULATOR_URL: emulator.url,
    ...(options.localModels && { LOCAL_MODEL_BASE_URL: emulator.openaiBaseURL }),
    ACTIVITY_HEARTBEAT_TIMEOUT_MS: '2000',
    PROVIDER_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'error',
    SOMA_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    ...options.env,
  });
  const pool = createPool(env.DATABASE_URL!, 4);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
  // Encrypted payloads, as in the API and worker processes.
  const dataConverter = dataConverterFromEnv(env);
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE, dataConverter });
  // One registry, as in the API process: /metrics shows the sink's counters next to the HTTP ones.
  const registry = new Registry();
  const logger = createLogger('api', 'error');
  // The composition root the API and worker processes use, shared by this process's API and worker.
  const services = await createServices({ env, pool, client, logger, registry, modelCacheCheckIntervalMs: 200 });
  const metrics = services.metricsSink;

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;
  if (options.worker !== false) {
    nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
    worker = await createWorker({
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue,
      services,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      dataConverter,
    });
    workerRun = worker.run();
  }

  const app = createApp({ env, pool, connection, client, logger, services, registry,
    // With the worker in this process, completions start eagerly, as in the API process.
    ...(nativeConnection && { eagerStarter: new Client({ connection: nativeConnection, namespace: env.TEMPORAL_NAMESPACE, dataConverter }) }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { tenants, keys } = services;
  const adminTenant = await tenants.create('test admin');
  const adminKey = (await keys.create({ tenantId: adminTenant.id, name: 'admin', isAdmin: true })).secret;

  return {
    apiUrl,
    metrics,
    app,
    env,
    pool,
    client,
    emulator,
    adminKey,
    async newTenant(name = 'tenant', options = {}) {
      const tenant = await tenants.create(name);
      const key = await keys.create({ tenantId: tenant.id, name: 'test', ...(options.role && { role: options.role }) });
      return { tenantId: tenant.id, key: key.secret };
    },
    async call(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.key !== undefined) headers.authorization = `Bearer ${init.key}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${apiUrl}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (e.g. /metrics): keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (worker) {
        worker.shutdown();
        await workerRun;
      }
      await nativeConnection?.close();
      await services.close();
      await connection.close();
      await pool.end();
      await emulator.close();
    },
  };
}
