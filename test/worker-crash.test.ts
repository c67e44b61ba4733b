import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startService, waitForLine, type ServiceProcess } from '../tooling/stack/service-process.ts';
import { freePort } from './support/free-port.ts';
import { TEST_PAYLOAD_KEYS } from './support/payload-keys.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
let worker: ServiceProcess | undefined;
let metricsPort: number;

function startWorkerProcess(): ServiceProcess {
  return startService(
    'worker',
    'workers/main.ts',
    {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_TASK_QUEUE: p.env.TEMPORAL_TASK_QUEUE,
      EMULATOR_URL: p.emulator.url,
      OPENAI_API_KEY: '',
      ANTHROPIC_API_KEY: '',
      WORKER_METRICS_PORT: String(metricsPort),
      // The worker must decrypt what this test's client encrypted.
      SOMA_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    },
    () => undefined,
  );
}

beforeAll(async () => {
  p = await startTestPlatform({ worker: false });
  metricsPort = await freePort();
});
afterAll(async () => {
  await worker?.stop('SIGKILL');
  await p?.close();
});

describe('durability', () => {
  it('finishes a run whose worker was killed mid-activity, with nothing lost or duplicated', async () => {
    const t = await p.newTenant();
    worker = startWorkerProcess();
    await waitForLine(worker, /worker polling/, 60_000);

    // The provider takes 5 s, so the activity is surely in flight when the worker dies.
    p.emulator.configure({ latencyMs: 5000 });
    const started = await p.call('/v1/completions', {
      key: t.key,
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'survive a crash' }], background: true },
    });
    expect(started.status).toBe(202);
    const runId: string = started.body.id;

    const deadline = Date.now() + 20_000;
    while (p.emulator.stats().total < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(p.emulator.stats().total).toBe(1);

    await worker.stop('SIGKILL');
    p.emulator.configure({ latencyMs: 0 });
    worker = startWorkerProcess();
    await waitForLine(worker, /worker polling/, 60_000);

    const result = await p.client.workflow.getHandle(runId).result();
    // Attempt 1 died with its worker; Temporal noticed through the missed heartbeat and retried.
    expect(result).toMatchObject({ attempt: 2, simulated: true });

    const run = await p.call(`/v1/runs/${runId}`, { key: t.key });
    expect(run.body.status).toBe('completed');
    const { rows } = await p.pool.query('SELECT status, attempts FROM completions WHERE run_id = $1', [runId]);
    expect(rows).toEqual([{ status: 'completed', attempts: 2 }]);
    expect(p.emulator.stats().total).toBe(2);

    // The worker process serves its own /metrics: the attempt it recorded is counted there.
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/somaagent_model_metrics_accepted_total\{backend="postgres"\} 1\b/);
    expect(text).toContain('somaagent_worker_process_cpu_seconds_total');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  }, 120_000);
});
