import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startService, waitForLine, type ServiceProcess } from '../tooling/stack/service-process.ts';
import { freePort } from './support/free-port.ts';
import { TEST_PAYLOAD_KEYS } from './support/payload-keys.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/**
 * A downstream that honours Idempotency-Key the way payment APIs do: the first request with a key
 * performs the side effect, and any later request with the same key gets that first outcome
 * without a second effect. The first request is HELD (no answer) until the test says otherwise,
 * so the worker can be killed while the tool call is in flight.
 */
interface SideEffectServer {
  url: string;
  hostPort: string;
  /** Side effects performed, per Idempotency-Key. */
  effects: Map<string, number>;
  /** Requests received, per Idempotency-Key. */
  requests: Map<string, number>;
  /** Resolves when the first request arrived. */
  firstRequest: Promise<string>;
  close(): Promise<void>;
}

async function sideEffectServer(): Promise<SideEffectServer> {
  const effects = new Map<string, number>();
  const requests = new Map<string, number>();
  const outcomes = new Map<string, string>();
  let arrived: (key: string) => void = () => undefined;
  const firstRequest = new Promise<string>((resolve) => (arrived = resolve));
  let held = true;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const known = outcomes.get(key);
      if (known !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(known);
        return;
      }
      effects.set(key, (effects.get(key) ?? 0) + 1);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { note?: string };
      const outcome = JSON.stringify({ recorded: body.note ?? null, effect: effects.get(key) });
      outcomes.set(key, outcome);
      if (held) {
        // Never answered: the worker holding this call is about to die.
        held = false;
        arrived(key);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(outcome);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    effects,
    requests,
    firstRequest,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let p: TestPlatform;
let downstream: SideEffectServer;
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
      // The operator's opt-in for the local downstream (the tool opts in too).
      OUTBOUND_ALLOW_HOSTS: downstream.hostPort,
      LOG_LEVEL: 'error',
    },
    () => undefined,
  );
}

beforeAll(async () => {
  downstream = await sideEffectServer();
  p = await startTestPlatform({ worker: false, env: { OUTBOUND_ALLOW_HOSTS: downstream.hostPort } });
  metricsPort = await freePort();
});
afterAll(async () => {
  await worker?.stop('SIGKILL');
  await p?.close();
  await downstream?.close();
});

describe('an agent whose worker dies in the middle of a tool call', () => {
  it('retries the call once on a new worker, and the side effect happens once', async () => {
    const t = await p.newTenant('agent-crash', { role: 'admin' });
    const tool = await p.call('/v1/tools', {
      key: t.key,
      body: {
        name: 'record_payment',
        kind: 'http',
        description: 'Records a payment (a side effect the downstream deduplicates by Idempotency-Key).',
        input_schema: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] },
        http: { method: 'POST', url: `${downstream.url}/payments`, body: 'arguments', allow_private_network: true },
        // Short, so Temporal notices the dead worker's attempt soon (start-to-close = this + 5 s).
        timeout_ms: 2_000,
      },
    });
    expect(tool.status, JSON.stringify(tool.body)).toBe(201);
    const agent = await p.call('/v1/agents', {
      key: t.key,
      body: { name: 'payer', instructions: 'Record the payment you are asked to record.', model: 'gpt-4o-mini', tools: ['record_payment'], max_steps: 4 },
    });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);

    worker = startWorkerProcess();
    await waitForLine(worker, /worker polling/, 90_000);
    const started = await p.call('/v1/agents/payer/runs', { key: t.key, body: { input: 'Please record_payment note="invoice 42"' } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const runId: string = started.body.id;

    // The call reached the downstream and is held there: kill the worker now, mid-call.
    const key = await Promise.race([downstream.firstRequest, new Promise<string>((_, reject) => setTimeout(() => reject(new Error('the tool call never reached the downstream')), 60_000))]);
    await worker.stop('SIGKILL');
    worker = startWorkerProcess();
    await waitForLine(worker, /worker polling/, 90_000);

    const result = (await p.client.workflow.getHandle(runId).result()) as { status: string; stopReason: string; output: string; steps: Array<{ toolCalls: Array<{ callId: string; status: string; result?: string }> }> };
    expect(result).toMatchObject({ status: 'completed', stopReason: 'final' });
    const call = result.steps[0]!.toolCalls[0]!;
    expect(call.status).toBe('succeeded');
    // The idempotency key is the run's and the call's, stable across the retry.
    expect(key).toBe(`${runId}:${call.callId}`);
    // Two requests (the killed attempt, the retry), one side effect; the model read the first outcome.
    expect(downstream.requests.get(key)).toBe(2);
    expect(downstream.effects.get(key)).toBe(1);
    expect(downstream.effects.size).toBe(1);
    expect(call.result).toContain('invoice 42');
    expect(result.output).toContain('record_payment=');

    // Temporal's own record: the executeTool activity ran exactly twice (attempt 1 died with its worker).
    const history = await p.client.workflow.getHandle(runId).fetchHistory();
    const toolActivities = new Set<string>();
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'executeTool') toolActivities.add(String(event.eventId));
    }
    expect(toolActivities.size).toBe(1);
    const attempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes && toolActivities.has(String(e.activityTaskStartedEventAttributes.scheduledEventId)))
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(attempts).toEqual([2]);
  }, 240_000);
});
