import { mkdirSync, createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { emulatorBaseUrl, loadEnv, needsEmulator } from '../../platform/config.ts';
import { providerStates, type ProviderState } from '../../core/providers/provider-set.ts';
import { migrate } from '../../platform/db/migrate.ts';
import { createPool } from '../../platform/db/pool.ts';
import { createModelRegistryStore, readCatalogue } from '../../stores/model-registry.ts';
import { ensureAdminKey } from './admin-key.ts';
import { payloadKeysFromEnv } from '../../platform/temporal/payload-codec/payload-keys-from-env.ts';
import { embeddedPostgresUrl, ensurePostgresPassword } from './postgres-password.ts';
import { startService, waitForLine, type ServiceProcess } from './service-process.ts';
import { findTemporalCli } from './temporal-cli.ts';
import { superviseLocalModelServer, type LocalModelSupervisor } from './local-model-supervisor.ts';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server.ts';
import { isPortFree, waitForPort } from './wait-for.ts';
import { ensureAlertWebhookToken } from './alert-webhook-token.ts';
import { findAlertmanager, findPrometheus } from './monitoring-binaries.ts';
import { startMonitoringLoop, type MonitoringLoop } from './monitoring-loop.ts';
import { ensureOpsSchedules } from './ops-schedules.ts';

// `npm start`: the whole platform on its embedded default, until Ctrl-C.
const env = loadEnv();
const stateDir = resolve(env.SOMA_STATE_DIR);
mkdirSync(resolve(stateDir, 'logs'), { recursive: true });
const say = (line: string) => process.stdout.write(`${line}\n`);
// Each service's lines also go to logs/<service>.log, which `somaagent logs --worker-logs` tails.
const serviceLogs = new Map<string, WriteStream>();
const print = (name: string, line: string) => {
  process.stdout.write(`[${name}] ${line}\n`);
  let log = serviceLogs.get(name);
  if (!log) serviceLogs.set(name, (log = createWriteStream(resolve(stateDir, 'logs', `${name}.log`), { flags: 'a' })));
  log.write(`${line}\n`);
};

const useEmbeddedTemporal = !env.TEMPORAL_ADDRESS;
const useEmbeddedPostgres = !env.DATABASE_URL;
// A real local model (workers/local-model-server.ts) serves local/* unless LOCAL_MODEL_BASE_URL
// points at a server of the user's own (Ollama, vLLM, llama.cpp), which then wins.
const useLocalModel = !env.LOCAL_MODEL_BASE_URL;
const localModelBaseUrl = `http://127.0.0.1:${env.LOCAL_MODEL_PORT}/v1`;
// The emulator runs only for vendors it stands in for: never in production (see provider-set.ts).
const providers = providerStates(useLocalModel ? { ...env, LOCAL_MODEL_BASE_URL: localModelBaseUrl } : env);
const useEmulator = needsEmulator(env) && providers.some((p) => p.status === 'simulated') && !env.EMULATOR_URL;
// Prometheus + Alertmanager with the SLO rules, unless PROMETHEUS_URL points at the operator's own
// (docs/docs/operations/slos.md) or SOMA_MONITORING=off; bootstrap installs them when it can.
const useMonitoring = !env.PROMETHEUS_URL && process.env.SOMA_MONITORING !== 'off' && findPrometheus() !== undefined && findAlertmanager() !== undefined;

// Refuse early, and say which setting to change, rather than half-start.
const ports: Array<[number, string]> = [[env.PORT, 'PORT (API)'], [env.WORKER_METRICS_PORT, 'WORKER_METRICS_PORT (worker /metrics)']];
if (useEmbeddedTemporal) ports.push([env.TEMPORAL_PORT, 'TEMPORAL_PORT'], [env.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT (Web UI)']);
if (useEmbeddedPostgres) ports.push([env.PGLITE_PORT, 'PGLITE_PORT (embedded Postgres)']);
if (useEmulator) ports.push([env.EMULATOR_PORT, 'EMULATOR_PORT (provider emulator)']);
if (useLocalModel) ports.push([env.LOCAL_MODEL_PORT, 'LOCAL_MODEL_PORT (local model server)']);
if (useMonitoring) ports.push([env.PROMETHEUS_PORT, 'PROMETHEUS_PORT (Prometheus)'], [env.ALERTMANAGER_PORT, 'ALERTMANAGER_PORT (Alertmanager)']);
for (const [port, setting] of ports) {
  if (!(await isPortFree('127.0.0.1', port))) {
    process.stderr.write(`error: port ${port} is already in use. Stop what is using it, or set ${setting} to a free port.\n`);
    process.exit(1);
  }
}

const services: ServiceProcess[] = [];
let temporal: TemporalDevServer | undefined;
let localModel: LocalModelSupervisor | undefined;
let monitoring: MonitoringLoop | undefined;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (shuttingDown) return new Promise<never>(() => undefined);
  shuttingDown = true;
  say('\nstopping SomaAgent ...');
  // Reverse start order: API and worker first, the engines they use last.
  await monitoring?.stop();
  for (const service of [...services].reverse()) await service.stop();
  await localModel?.stop();
  await temporal?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function watch(service: ServiceProcess): ServiceProcess {
  services.push(service);
  void service.exited.then((code) => {
    if (!shuttingDown) {
      process.stderr.write(`error: ${service.name} exited unexpectedly (code ${code}); stopping everything.\n`);
      void shutdown(1);
    }
  });
  return service;
}

try {
  let temporalAddress = env.TEMPORAL_ADDRESS;
  if (useEmbeddedTemporal) {
    const log = createWriteStream(resolve(stateDir, 'logs', 'temporal.log'), { flags: 'a' });
    say('starting Temporal dev server ...');
    temporal = await startTemporalDevServer({
      binary: findTemporalCli(stateDir, env.TEMPORAL_CLI_PATH),
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      dbFile: resolve(stateDir, 'temporal.db'),
      namespace: env.TEMPORAL_NAMESPACE,
      onOutput: (line) => log.write(`${line}\n`),
    });
    temporalAddress = temporal.address;
    temporal.process.once('exit', (code) => {
      if (!shuttingDown) {
        process.stderr.write(`error: the Temporal dev server exited (code ${code}); see ${stateDir}/logs/temporal.log\n`);
        void shutdown(1);
      }
    });
  }

  let databaseUrl = env.DATABASE_URL;
  if (useEmbeddedPostgres) {
    say('starting embedded Postgres (PGlite + pgvector) ...');
    // Generated on first start, kept in the state folder (0600); never printed.
    const password = ensurePostgresPassword(stateDir);
    const pg = watch(
      startService('postgres', 'tooling/stack/embedded-postgres-main.ts', { ...process.env, PGLITE_PORT: String(env.PGLITE_PORT), PGLITE_DATA_DIR: resolve(stateDir, 'pgdata'), PGLITE_PASSWORD: password }, print),
    );
    await waitForLine(pg, /^ready /, 120_000);
    databaseUrl = embeddedPostgresUrl('127.0.0.1', env.PGLITE_PORT, password);
  }

  const pool = createPool(databaseUrl!, 2);
  const migrations = await migrate(pool);
  if (migrations.applied.length) say(`applied migrations: ${migrations.applied.join(', ')}`);
  await createModelRegistryStore(pool).seed(await readCatalogue());
  const admin = await ensureAdminKey(pool, stateDir, env.SOMA_ADMIN_KEY);
  // First start generates the payload encryption key (state folder, mode 0600); production must configure one.
  const payloadKeys = payloadKeysFromEnv(env);
  await pool.end();

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    // The API and worker encrypt with exactly the key file this process resolved.
    ...(!env.SOMA_PAYLOAD_KEYS && { SOMA_PAYLOAD_KEY_FILE: payloadKeys.source }),
  };
  if (useEmulator) {
    say('no provider key set: starting the provider emulator (answers are labelled simulated) ...');
    watch(startService('emulator', 'tooling/emulator/main.ts', childEnv, print));
    await waitForPort('127.0.0.1', env.EMULATOR_PORT, 30_000);
    childEnv.EMULATOR_URL = emulatorBaseUrl(env);
  }
  if (useLocalModel) {
    say('starting the local model server (local/smollm2-135m, node-llama-cpp) ...');
    localModel = await superviseLocalModelServer(childEnv, print, (line) => process.stderr.write(`warning: ${line}\n`));
    childEnv.LOCAL_MODEL_BASE_URL = localModelBaseUrl;
  }
  if (useMonitoring) {
    // The API learns where Prometheus is (GET /v1/ops/slos) and which bearer the webhook takes.
    childEnv.PROMETHEUS_URL = `http://127.0.0.1:${env.PROMETHEUS_PORT}`;
    childEnv.SOMA_ALERT_WEBHOOK_TOKEN = env.SOMA_ALERT_WEBHOOK_TOKEN ?? ensureAlertWebhookToken(stateDir);
  }
  watch(startService('worker', 'workers/main.ts', childEnv, print));
  await ensureOpsSchedules(loadEnv(childEnv), temporalAddress!, say);
  const api = watch(startService('api', 'api/main.ts', childEnv, print));
  await waitForPort(env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST, env.PORT, 60_000, () => api.child.exitCode === null);

  if (useMonitoring) {
    say('starting Prometheus and Alertmanager (SLO rules from infra/prometheus/slo-rules.yaml) ...');
    const local = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;
    monitoring = await startMonitoringLoop({
      dir: resolve(stateDir, 'monitoring'),
      apiUrl: `http://${local}:${env.PORT}`,
      extraTargets: { 'somaagent-worker': [`${local}:${env.WORKER_METRICS_PORT}`] },
      webhookToken: childEnv.SOMA_ALERT_WEBHOOK_TOKEN!,
      prometheusPort: env.PROMETHEUS_PORT,
      alertmanagerPort: env.ALERTMANAGER_PORT,
      onOutput: (source, line) => print(source, line),
    });
  }

  const apiUrl = `http://localhost:${env.PORT}`;
  say('');
  say('SomaAgent is running.');
  say(`  API            ${apiUrl}   (OpenAPI: ${apiUrl}/openapi.json, metrics: ${apiUrl}/metrics)`);
  say(`  Worker metrics http://localhost:${env.WORKER_METRICS_PORT}/metrics`);
  if (temporal?.uiUrl) say(`  Temporal UI    ${temporal.uiUrl}`);
  say(`  Temporal       ${temporalAddress}`);
  say(`  Payload keys   ${payloadKeys.source} (histories are encrypted; decode: ${apiUrl}/codec with an admin key)`);
  say(`  Postgres       ${useEmbeddedPostgres ? `embedded, data in ${resolve(stateDir, 'pgdata')}` : 'DATABASE_URL'}`);
  if (useEmulator) say(`  Emulator       ${emulatorBaseUrl(env)} (simulated answers)`);
  if (monitoring) say(`  Prometheus     ${monitoring.prometheus.url} (SLO alerts), Alertmanager ${monitoring.alertmanager.url} -> ${apiUrl}/v1/ops/alerts; status: somaagent slo status`);
  else if (!env.PROMETHEUS_URL) say('  Monitoring     off (install prometheus and prometheus-alertmanager, or set PROMETHEUS_URL)');
  say(`  Local models   ${useLocalModel ? `${localModelBaseUrl} (local/smollm2-135m, real)` : `LOCAL_MODEL_BASE_URL (${env.LOCAL_MODEL_BASE_URL})`}`);
  // Real, simulated (the emulator answers, labelled) or not configured (its models answer 503).
  const describe = (p: ProviderState) => (p.status === 'real' ? 'real' : p.status === 'simulated' ? 'simulated' : `not configured (set ${p.variable})`);
  say(`  Providers      ${providers.map((p) => `${p.id}: ${describe(p)}`).join(', ')}`);
  if (admin.newKey) {
    say('');
    say(`  Admin API key (shown once; also saved to ${admin.location}):`);
    say(`    ${admin.newKey}`);
  } else {
    say(`  Admin API key  in ${admin.location}`);
  }
  say('');
  const keyRef = env.SOMA_ADMIN_KEY ? '$SOMA_ADMIN_KEY' : `$(cat ${admin.location})`;
  say(`  Try: curl -s ${apiUrl}/v1/completions -H "Authorization: Bearer ${keyRef}" \\`);
  say(`         -H 'Content-Type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`);
  say('Press Ctrl-C to stop.');
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  await shutdown(1);
}
