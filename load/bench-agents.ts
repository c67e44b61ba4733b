/**
 * `npm run bench:agents`: what the durable agent loop costs on top of the model and the tools.
 *
 * A private stack (tooling/bench) whose provider emulator runs in this process at latency 0,
 * behind a thin step shim, and a local HTTP tool server (opted in through OUTBOUND_ALLOW_HOSTS):
 *
 * 1. Step overhead: a 5-step agent, 2 HTTP tool calls per step (then a final answer). The
 *    emulator calls the tools a user message names; the shim appends "call bench_a and bench_b"
 *    after each round of tool results until 5 rounds are done, so the real emulator answers every
 *    turn. Per step: the step's wall time in the workflow minus the model call's time (measured at
 *    the shim, around the emulator's answer) minus the slower tool's handling time (measured in
 *    the tool server) = orchestration overhead (planning, the completion child workflow, the tool
 *    activities, Temporal round trips, recording).
 *    Baseline, alternated in the same run: the same model calls made one by one through
 *    POST /v1/completions (API → completion workflow → activity → emulator), with the same
 *    subtraction: the platform's per-call overhead without the agent loop.
 * 2. Throughput: agent runs/s at a fixed concurrency, against 5 sequential /v1/completions calls
 *    per "run" at the same concurrency (the same model work without the loop, approvals or tools).
 * 3. Swarm: a supervisor starts 20 child agents in one turn (20 start_agent tools called in
 *    parallel); swarm_speedup = the sum of the children's wall times (as the supervisor measured
 *    each call) / the supervisor run's wall time. Since children in a swarm also wait for each
 *    other on one machine, the same agents are then run one after another as top-level runs:
 *    swarm_speedup_vs_sequential = that time / the swarm's wall time.
 *
 * Knobs (env): BENCH_RUNS (30 sequential agent runs after BENCH_WARMUP=3), BENCH_SECONDS (10 s
 * per throughput run), BENCH_CONCURRENCY (4), BENCH_SWARMS (3), BENCH_SWARM_SIZE (20),
 * BENCH_SWARM_LATENCY_MS (0: emulator latency in the swarm phase only),
 * BENCH_MAX_SECONDS (900). Prints a report, then one JSON object as the very last line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { createEmulator, type Emulator } from '../tooling/emulator/create-emulator.ts';
import { intEnv } from '../tooling/bench/bench-env.ts';
import { benchRun, sleep } from '../tooling/bench/bench-run.ts';
import type { BenchStack } from '../tooling/bench/bench-stack.ts';
import { fmt, round, summarize, table, type Summary } from '../tooling/bench/stats.ts';

const RUNS = intEnv('BENCH_RUNS', 30, 1, 10_000);
const WARMUP = intEnv('BENCH_WARMUP', 3, 0, 1_000);
const SECONDS = intEnv('BENCH_SECONDS', 10, 1, 600);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 4, 1, 256);
const SWARMS = intEnv('BENCH_SWARMS', 3, 0, 100);
const SWARM_SIZE = intEnv('BENCH_SWARM_SIZE', 20, 2, 64);
/** Emulator latency during the swarm phase only (0: the headline case; e.g. 1000 shows model-bound swarms). */
const SWARM_LATENCY_MS = intEnv('BENCH_SWARM_LATENCY_MS', 0, 0, 60_000);
const MAX_SECONDS = intEnv('BENCH_MAX_SECONDS', 900, 60, 86_400);
/** Tool rounds of the multi-step agent (the "5-step agent"). */
const TOOL_STEPS = 5;
const MODEL = 'gpt-4o-mini';
/** Marks the conversations the shim drives to TOOL_STEPS rounds; any other passes untouched. */
const MULTI_STEP_MARK = '[bench:multi-step]';
const REQUEST_TIMEOUT_MS = 60_000;
/** The agent's two tools as /v1/completions takes them, for the baseline calls. */
const BASELINE_TOOLS = ['bench_a', 'bench_b'].map((name) => ({ name, parameters: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] } }));

const bench = benchRun(MAX_SECONDS);
const note = bench.note;
const loadAtStart = loadavg()[0] ?? 0;

// ---------------------------------------------------------------------------------------------
// Local servers: the emulator behind the step shim, and the HTTP tools.

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface WireMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown[];
}

/** The emulator's answer time per model call, in arrival order. */
interface ModelCallTiming {
  /** The conversation's first user message (tells runs apart when they are sequential). */
  firstUser: string;
  ms: number;
}

interface StepShim {
  url: string;
  timings: ModelCallTiming[];
  close(): Promise<void>;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'object' && p !== null && 'text' in p ? String((p as { text: unknown }).text) : '')).join('');
  return '';
}

/**
 * Forwards every request to the emulator unchanged, except that a marked conversation whose last
 * messages are tool results gets one more user message naming the two tools, until it has had
 * TOOL_STEPS tool rounds. Times each chat call from forwarding to the last byte of the answer.
 */
async function startStepShim(emulator: Emulator): Promise<StepShim> {
  const timings: ModelCallTiming[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      let body = await readBody(req);
      const isChat = req.method === 'POST' && req.url?.startsWith('/v1/chat/completions');
      let firstUser = '';
      if (isChat && body) {
        const parsed = JSON.parse(body) as { messages?: WireMessage[] };
        const messages = parsed.messages ?? [];
        firstUser = textOf(messages.find((m) => m.role === 'user')?.content);
        const rounds = messages.filter((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0).length;
        if (firstUser.includes(MULTI_STEP_MARK) && messages.at(-1)?.role === 'tool' && rounds < TOOL_STEPS) {
          messages.push({ role: 'user', content: 'Next round: call bench_a and bench_b again.' });
          body = JSON.stringify(parsed);
        }
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'content-length' && k !== 'host') headers[k] = v;
      const started = performance.now();
      const upstream = await fetch(`${emulator.url}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body && { body }) });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (isChat) timings.push({ firstUser, ms: performance.now() - started });
      const out: Record<string, string> = {};
      upstream.headers.forEach((v, k) => {
        if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'keep-alive') out[k] = v;
      });
      res.writeHead(upstream.status, out).end(answer);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `shim: ${err instanceof Error ? err.message : String(err)}` } }));
    });
  });
  server.keepAliveTimeout = 65_000;
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    timings,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

interface ToolServer {
  url: string;
  hostPort: string;
  /** Handling time per Idempotency-Key (one tool call). */
  handledMs: Map<string, number>;
  close(): Promise<void>;
}

async function startToolServer(): Promise<ToolServer> {
  const handledMs = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    void readBody(req).then(() => {
      const key = String(req.headers['idempotency-key'] ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, tool: req.url }));
      handledMs.set(key, performance.now() - started);
    });
  });
  server.keepAliveTimeout = 65_000;
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    handledMs,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// The platform's API.

/** A response body: the benchmark checks the fields it reads. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Api {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }>;
}

function apiOf(stack: BenchStack): Api {
  const headers = { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' };
  return {
    async call(method, path, body) {
      const res = await fetch(`${stack.apiUrl}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const text = await res.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // keep the text for the error message
      }
      return { status: res.status, json };
    },
  };
}

async function must(api: Api, method: string, path: string, body?: unknown): Promise<Json> {
  const { status, json } = await api.call(method, path, body);
  if (status >= 300) throw new Error(`${method} ${path}: HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

interface StepRecord {
  latency_ms?: number;
  tool_calls: Array<{ call_id: string; latency_ms?: number }>;
}

interface AgentRunResult {
  id: string;
  status: string;
  stop_reason: string;
  steps: StepRecord[];
  cost_usd: number;
}

/** Starts a run and waits for its result (the API answers when the run finishes). */
async function runAgent(api: Api, agent: string, input: string): Promise<AgentRunResult> {
  const started = await must(api, 'POST', `/v1/agents/${agent}/runs`, { input, wait: true });
  const id: string = started.id ?? started.run_id;
  let run = started;
  const deadline = Date.now() + REQUEST_TIMEOUT_MS;
  while (run.status === 'running' || run.status === 'waiting_approval' || run.result === undefined && run.steps === undefined) {
    if (Date.now() > deadline) throw new Error(`agent run ${id} did not finish within ${REQUEST_TIMEOUT_MS} ms`);
    await sleep(20);
    run = await must(api, 'GET', `/v1/runs/${id}`);
  }
  const result = (run.result ?? run) as AgentRunResult;
  return { ...result, id };
}

async function setUp(api: Api, tools: ToolServer): Promise<void> {
  for (const name of ['bench_a', 'bench_b']) {
    await must(api, 'POST', '/v1/tools', {
      name,
      kind: 'http',
      description: `Benchmark tool ${name}: records a call and answers at once.`,
      input_schema: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] },
      http: { method: 'POST', url: `${tools.url}/${name}`, body: 'arguments', allow_private_network: true },
      timeout_ms: 10_000,
    });
  }
  await must(api, 'POST', '/v1/agents', {
    name: 'bench-steps',
    instructions: 'Call the tools you are asked to call, then report their results.',
    model: MODEL,
    tools: ['bench_a', 'bench_b'],
    max_steps: TOOL_STEPS + 2,
  });
  await must(api, 'POST', '/v1/agents', {
    name: 'bench-child',
    instructions: 'Call bench_a, then report its result.',
    model: MODEL,
    tools: ['bench_a'],
    max_steps: 3,
  });
  const workers = Array.from({ length: SWARM_SIZE }, (_, i) => `start_child_${String(i + 1).padStart(2, '0')}`);
  for (const name of workers) {
    await must(api, 'POST', '/v1/tools', { name, kind: 'builtin', builtin: 'start_agent', description: 'Start one child agent.' });
  }
  await must(api, 'POST', '/v1/agents', {
    name: 'bench-swarm',
    instructions: 'Start every child you are asked to start, then combine their answers.',
    model: MODEL,
    tools: workers,
    max_steps: 3,
  });
}

// ---------------------------------------------------------------------------------------------
// Phases.

interface OverheadResult {
  agentStepOverhead: number[];
  agentStepWall: number[];
  modelMs: number[];
  baselineCallOverhead: number[];
  baselineCallWall: number[];
  runWallMs: number[];
}

async function overheadPhase(api: Api, shim: StepShim, tools: ToolServer): Promise<OverheadResult> {
  const out: OverheadResult = { agentStepOverhead: [], agentStepWall: [], modelMs: [], baselineCallOverhead: [], baselineCallWall: [], runWallMs: [] };
  for (let i = 0; i < WARMUP + RUNS && !bench.aborted; i++) {
    const keep = i >= WARMUP;
    // The agent: 5 tool rounds, then a final answer.
    try {
      const tag = `${MULTI_STEP_MARK} run ${i}`;
      shim.timings.length = 0;
      const t0 = performance.now();
      const run = await runAgent(api, 'bench-steps', `${tag}: call bench_a and bench_b with note=n${i}.`);
      const wall = performance.now() - t0;
      if (run.status !== 'completed') throw new Error(`agent run ended ${run.status}/${run.stop_reason}`);
      const calls = shim.timings.filter((t) => t.firstUser.includes(tag));
      const toolSteps = run.steps.filter((s) => s.tool_calls.length > 0);
      if (toolSteps.length !== TOOL_STEPS || calls.length !== run.steps.length) {
        throw new Error(`expected ${TOOL_STEPS} tool steps and one model call per step, got ${toolSteps.length} steps with tools, ${run.steps.length} steps, ${calls.length} model calls`);
      }
      if (keep) {
        out.runWallMs.push(wall);
        run.steps.forEach((step, s) => {
          if (step.tool_calls.length === 0 || step.latency_ms === undefined) return;
          const model = calls[s]!.ms;
          const tool = Math.max(0, ...step.tool_calls.map((c) => tools.handledMs.get(`${run.id}:${c.call_id}`) ?? 0));
          out.agentStepWall.push(step.latency_ms);
          out.modelMs.push(model);
          out.agentStepOverhead.push(step.latency_ms - model - tool);
        });
      }
    } catch (err) {
      bench.countError('agent run', err);
    }
    // The baseline: the same number of model calls, one by one through /v1/completions.
    try {
      for (let s = 0; s < TOOL_STEPS && !bench.aborted; s++) {
        const tag = `baseline ${i}.${s}`;
        shim.timings.length = 0;
        const t0 = performance.now();
        const completion = await must(api, 'POST', '/v1/completions', {
          model: MODEL,
          messages: [{ role: 'user', content: `${tag}: call bench_a and bench_b with note=n${i}.` }],
          tools: BASELINE_TOOLS,
        });
        const wall = performance.now() - t0;
        const model = shim.timings.find((t) => t.firstUser.includes(tag))?.ms;
        if (model === undefined) throw new Error('baseline call not seen by the shim');
        if (!Array.isArray(completion.tool_calls) || completion.tool_calls.length !== 2) throw new Error('baseline: expected 2 tool calls in the answer');
        if (keep) {
          out.baselineCallWall.push(wall);
          out.baselineCallOverhead.push(wall - model);
        }
      }
    } catch (err) {
      bench.countError('baseline', err);
    }
  }
  return out;
}

interface ThroughputResult {
  agentRunsPerS: number;
  baselineRunsPerS: number;
  agentRuns: number;
  baselineRuns: number;
}

async function closedLoop(seconds: number, concurrency: number, work: (n: number) => Promise<void>, where: string): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end && !bench.aborted) {
        try {
          await work(n++);
          done++;
        } catch (err) {
          bench.countError(where, err);
        }
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

async function throughputPhase(api: Api): Promise<ThroughputResult> {
  let agentRuns = 0;
  let baselineRuns = 0;
  const agentRunsPerS = await closedLoop(SECONDS, CONCURRENCY, async (n) => {
    const run = await runAgent(api, 'bench-steps', `${MULTI_STEP_MARK} load ${n}: call bench_a and bench_b with note=l${n}.`);
    if (run.status !== 'completed') throw new Error(`agent run ended ${run.status}`);
    agentRuns++;
  }, 'throughput agent');
  const baselineRunsPerS = await closedLoop(SECONDS, CONCURRENCY, async (n) => {
    for (let s = 0; s < TOOL_STEPS; s++) {
      await must(api, 'POST', '/v1/completions', { model: MODEL, messages: [{ role: 'user', content: `load ${n}.${s}: call bench_a and bench_b with note=l${n}.` }], tools: BASELINE_TOOLS });
    }
    baselineRuns++;
  }, 'throughput baseline');
  return { agentRunsPerS, baselineRunsPerS, agentRuns, baselineRuns };
}

interface SwarmResult {
  wallMs: number[];
  childSumMs: number[];
  children: number[];
  /** The same SWARM_SIZE child agents run one after another as top-level runs (once). */
  sequentialMs: number | null;
}

async function swarmPhase(api: Api): Promise<SwarmResult> {
  const out: SwarmResult = { wallMs: [], childSumMs: [], children: [], sequentialMs: null };
  const workers = Array.from({ length: SWARM_SIZE }, (_, i) => `start_child_${String(i + 1).padStart(2, '0')}`);
  for (let i = 0; i < SWARMS && !bench.aborted; i++) {
    try {
      const t0 = performance.now();
      const run = await runAgent(api, 'bench-swarm', `Start ${workers.join(' ')} with agent=bench-child input="swarm ${i}: call bench_a with note=s${i}"`);
      const wall = performance.now() - t0;
      const calls = run.steps[0]?.tool_calls ?? [];
      if (calls.length !== SWARM_SIZE) throw new Error(`expected ${SWARM_SIZE} children, got ${calls.length}`);
      out.wallMs.push(wall);
      out.childSumMs.push(calls.reduce((sum, c) => sum + (c.latency_ms ?? 0), 0));
      out.children.push(calls.length);
    } catch (err) {
      bench.countError('swarm', err);
    }
  }
  // The children's times inside a swarm include waiting for each other (one machine): the same
  // work done one run at a time is the fairer "without the swarm" figure.
  if (SWARMS > 0 && !bench.aborted) {
    try {
      const t0 = performance.now();
      for (let c = 0; c < SWARM_SIZE && !bench.aborted; c++) {
        const run = await runAgent(api, 'bench-child', `sequential ${c}: call bench_a with note=q${c}`);
        if (run.status !== 'completed') throw new Error(`child run ended ${run.status}`);
      }
      out.sequentialMs = performance.now() - t0;
    } catch (err) {
      bench.countError('sequential children', err);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface Measured {
  overhead: OverheadResult;
  throughput: ThroughputResult;
  swarm: SwarmResult;
}

const row = (name: string, s: Summary) => [name, String(s.count), fmt(s.mean), fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)];

async function main(): Promise<void> {
  const emulator = await createEmulator({ latencyMs: 0 });
  const shim = await startStepShim(emulator);
  const tools = await startToolServer();
  note(`emulator ${emulator.url} behind the step shim ${shim.url}; tool server ${tools.url}`);
  bench.run<Measured>({
    stackEnv: { EMULATOR_URL: shim.url, OUTBOUND_ALLOW_HOSTS: tools.hostPort },
    async measure(stack) {
      const api = apiOf(stack);
      await setUp(api, tools);
      note(`overhead: ${WARMUP} warm-up + ${RUNS} runs of a ${TOOL_STEPS}-step agent, each followed by ${TOOL_STEPS} /v1/completions calls ...`);
      const overhead = await overheadPhase(api, shim, tools);
      note(`throughput at concurrency ${CONCURRENCY} for ${SECONDS} s each (agent runs, then baseline) ...`);
      const throughput = await throughputPhase(api);
      note(`swarm: ${SWARMS} supervisor runs of ${SWARM_SIZE} children (emulator latency ${SWARM_LATENCY_MS} ms) ...`);
      emulator.configure({ latencyMs: SWARM_LATENCY_MS });
      const swarm = await swarmPhase(api);
      await Promise.all([shim.close(), tools.close(), emulator.close()]);
      return { overhead, throughput, swarm };
    },
    finish({ overhead, throughput, swarm }, startupSeconds) {
      const step = summarize(overhead.agentStepOverhead);
      const base = summarize(overhead.baselineCallOverhead);
      const speedups = swarm.wallMs.map((w, i) => swarm.childSumMs[i]! / w);
      const speedup = summarize(speedups);
      const sequentialSpeedup = swarm.sequentialMs === null ? Number.NaN : swarm.sequentialMs / summarize(swarm.wallMs).p50;
      const lines = [
        `SomaAgent agent benchmark  (stack start ${fmt(startupSeconds)} s; ${cpus().length} cores, load ${fmt(loadAtStart, 2)} at start; emulator latency 0 ms)`,
        '',
        `Per step of a ${TOOL_STEPS}-step agent (2 HTTP tool calls per step), ms`,
        table([
          ['', 'n', 'mean', 'p50', 'p95', 'p99', 'max'],
          row('step wall time', summarize(overhead.agentStepWall)),
          row('  model call (emulator)', summarize(overhead.modelMs)),
          row('  orchestration overhead', step),
          row('baseline: /v1/completions call', summarize(overhead.baselineCallWall)),
          row('  baseline overhead', base),
          row('agent run wall time', summarize(overhead.runWallMs)),
        ]),
        '',
        `Throughput at concurrency ${CONCURRENCY}: ${fmt(throughput.agentRunsPerS, 2)} agent runs/s (${throughput.agentRuns} runs) vs ${fmt(throughput.baselineRunsPerS, 2)} baseline runs/s (${TOOL_STEPS} sequential /v1/completions each, ${throughput.baselineRuns} runs)`,
        `Swarm of ${SWARM_SIZE} (emulator latency ${SWARM_LATENCY_MS} ms): wall ${fmt(summarize(swarm.wallMs).p50)} ms (p50) vs children's sum ${fmt(summarize(swarm.childSumMs).p50)} ms: speedup ${fmt(speedup.p50, 2)}x (p50 of ${speedup.count})`,
        `  the same ${SWARM_SIZE} agents run one after another: ${swarm.sequentialMs === null ? 'n/a' : fmt(swarm.sequentialMs)} ms: ${fmt(sequentialSpeedup, 2)}x faster as a swarm`,
        ...bench.errorLines(),
        '',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      return {
        step_overhead_p50_ms: round(step.p50),
        step_overhead_p99_ms: round(step.p99),
        step_overhead_mean_ms: round(step.mean),
        step_samples: step.count,
        baseline_call_overhead_p50_ms: round(base.p50),
        baseline_call_overhead_p99_ms: round(base.p99),
        agent_runs_per_s: round(throughput.agentRunsPerS, 3),
        baseline_runs_per_s: round(throughput.baselineRunsPerS, 3),
        concurrency: CONCURRENCY,
        swarm_speedup: round(speedup.p50, 2),
        swarm_size: SWARM_SIZE,
        swarm_model_latency_ms: SWARM_LATENCY_MS,
        swarm_wall_p50_ms: round(summarize(swarm.wallMs).p50),
        swarm_children_sum_p50_ms: round(summarize(swarm.childSumMs).p50),
        swarm_sequential_baseline_ms: swarm.sequentialMs === null ? null : round(swarm.sequentialMs),
        swarm_speedup_vs_sequential: round(sequentialSpeedup, 2),
        errors: bench.errorCount(),
        load_at_start: round(loadAtStart, 2),
      };
    },
  });
}

void main();
