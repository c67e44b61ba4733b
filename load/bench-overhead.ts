/**
 * `npm run bench:overhead`: what SomaAgent adds on top of a raw provider call.
 *
 * Brings up a complete, private stack (stack/main.ts with fresh ports and a temp state folder),
 * then compares the same chat completion sent (a) straight to the provider emulator with the
 * official `openai` SDK and (b) through `POST /v1/completions` (API -> Temporal workflow ->
 * activity -> emulator). Phases: sequential latency at emulator latency 50 ms and 0 ms
 * (direct and via-API alternated, warm-up discarded), then sustained throughput at 0 ms for
 * each concurrency. Prints a table to stdout, then one JSON object as the very last line.
 *
 * Knobs (env): BENCH_SAMPLES (300), BENCH_WARMUP (30), BENCH_SECONDS (6),
 * BENCH_CONCURRENCY ("8,16,32"; "0" skips the throughput runs), BENCH_LATENCIES ("50,0"),
 * BENCH_MAX_SECONDS (600, hard stop for the whole run), BENCH_CHAT (1; 0 skips the
 * OpenAI-compatible phase: `/v1/chat/completions` against `/v1/completions`, alternated, both
 * with plain fetch so only the server's difference shows, at emulator latency 0 ms).
 * Any other variable (e.g. DATABASE_POOL_SIZE) passes through to the stack.
 */
import { cpus, loadavg } from 'node:os';
import OpenAI from 'openai';
import { intEnv, intListEnv } from '../tooling/bench/bench-env.ts';
import { benchRun, sleep, waitForFirstCompletion } from '../tooling/bench/bench-run.ts';
import type { BenchStack } from '../tooling/bench/bench-stack.ts';
import { emulatorControl } from '../tooling/bench/emulator-control.ts';
import { cpuPercent, cpuSnapshot } from '../tooling/bench/process-cpu.ts';
import { fmt, round, summarize, table, type Summary } from '../tooling/bench/stats.ts';

const SAMPLES = intEnv('BENCH_SAMPLES', 300, 1, 100_000);
const WARMUP = intEnv('BENCH_WARMUP', 30, 0, 10_000);
const SECONDS = intEnv('BENCH_SECONDS', 6, 1, 600);
const CONCURRENCY = intListEnv('BENCH_CONCURRENCY', [8, 16, 32], 0, 512).filter((c) => c > 0);
/** Emulator latencies for the sequential phases; 0 is the headline case. */
const LATENCIES = intListEnv('BENCH_LATENCIES', [50, 0], 0, 512);
const MAX_SECONDS = intEnv('BENCH_MAX_SECONDS', 600, 30, 86_400);
const CHAT = intEnv('BENCH_CHAT', 1, 0, 1) === 1;
/** A single call never waits longer than this. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Sequential phases stop early (and say so) after this long. */
const LATENCY_PHASE_MAX_MS = 75_000;
const MODEL = 'gpt-4o-mini';
const MESSAGES = [{ role: 'user' as const, content: 'Say hello in five words.' }];

const bench = benchRun(MAX_SECONDS);
const note = bench.note;
const started = performance.now();
/** Other work on the machine skews every figure: recorded so runs can be compared fairly. */
const loadAtStart = loadavg()[0] ?? 0;

// ---------------------------------------------------------------------------------------------
// The two ways to make the same completion.

type Call = () => Promise<void>;
function directCall(stack: BenchStack): Call {
  const client = new OpenAI({ baseURL: `${stack.emulatorUrl}/v1`, apiKey: 'x', maxRetries: 0, timeout: REQUEST_TIMEOUT_MS });
  return async () => {
    const completion = await client.chat.completions.create({ model: MODEL, messages: MESSAGES });
    if (typeof completion.choices[0]?.message.content !== 'string') throw new Error('direct: no text in the answer');
  };
}

function viaApiCall(stack: BenchStack): Call {
  const url = `${stack.apiUrl}/v1/completions`;
  const headers = { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' };
  const body = JSON.stringify({ model: MODEL, messages: MESSAGES });
  return async () => {
    // Node's global fetch (undici) keeps connections alive between calls.
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`via API: HTTP ${res.status} ${text.slice(0, 80)}`);
    const json = JSON.parse(text) as { text?: unknown };
    if (typeof json.text !== 'string') throw new Error('via API: no text in the answer');
  };
}

/** The same completion through the OpenAI-compatible route (what an OpenAI client sends). */
function chatCall(stack: BenchStack): Call {
  const url = `${stack.apiUrl}/v1/chat/completions`;
  const headers = { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' };
  const body = JSON.stringify({ model: MODEL, messages: MESSAGES });
  return async () => {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`chat: HTTP ${res.status} ${text.slice(0, 80)}`);
    const json = JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] };
    if (typeof json.choices?.[0]?.message?.content !== 'string') throw new Error('chat: no text in the answer');
  };
}

// ---------------------------------------------------------------------------------------------
// Phases.

interface LatencyResult {
  emulatorLatencyMs: number;
  direct: Summary;
  via: Summary;
  overhead: { p50: number; p95: number; p99: number; mean: number };
  errors: number;
  stoppedEarly: boolean;
}

async function timed(call: Call, where: string): Promise<number | undefined> {
  const t0 = performance.now();
  try {
    await call();
    return performance.now() - t0;
  } catch (err) {
    bench.countError(where, err);
    return undefined;
  }
}

/** Sequential calls, direct and via-API alternating (and swapping order) so drift hits both. */
async function latencyPhase(stack: BenchStack, direct: Call, via: Call, emulatorLatencyMs: number): Promise<LatencyResult> {
  await emulatorControl(stack.emulatorUrl).setLatency(emulatorLatencyMs);
  const directMs: number[] = [];
  const viaMs: number[] = [];
  let failed = 0;
  const deadline = performance.now() + LATENCY_PHASE_MAX_MS;
  let stoppedEarly = false;
  for (let i = 0; i < WARMUP + SAMPLES && !bench.aborted; i++) {
    if (performance.now() > deadline) {
      stoppedEarly = true;
      note(`latency phase at ${emulatorLatencyMs} ms hit its ${LATENCY_PHASE_MAX_MS / 1000}s limit after ${i} rounds`);
      break;
    }
    const order: Array<[Call, number[], string]> = [
      [direct, directMs, 'direct'],
      [via, viaMs, 'via API'],
    ];
    if (i % 2 === 1) order.reverse();
    for (const [call, into, where] of order) {
      const ms = await timed(call, where);
      if (ms === undefined) failed++;
      else if (i >= WARMUP) into.push(ms);
    }
  }
  const d = summarize(directMs);
  const v = summarize(viaMs);
  return {
    emulatorLatencyMs,
    direct: d,
    via: v,
    overhead: { p50: v.p50 - d.p50, p95: v.p95 - d.p95, p99: v.p99 - d.p99, mean: v.mean - d.mean },
    errors: failed,
    stoppedEarly,
  };
}

interface ThroughputResult {
  target: 'direct' | 'via API';
  concurrency: number;
  completed: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latency: Summary;
  cpuPercent: Record<string, number>;
}

/** `concurrency` closed loops for `seconds`; only calls that finish inside the window count. */
async function throughputPhase(stack: BenchStack, call: Call, target: ThroughputResult['target'], concurrency: number, seconds: number): Promise<ThroughputResult> {
  const maxPerLoop = 1_000_000;
  const latencies: number[] = [];
  let completed = 0;
  let failed = 0;
  const cpuBefore = cpuSnapshot(stack.pid);
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const loop = async () => {
    for (let n = 0; n < maxPerLoop && performance.now() < end && !bench.aborted; n++) {
      const s = performance.now();
      try {
        await call();
        const f = performance.now();
        if (f <= end) {
          completed++;
          latencies.push(f - s);
        }
      } catch (err) {
        failed++;
        bench.countError(`${target} x${concurrency}`, err);
        // A failing target must not turn into a hot loop.
        await sleep(10);
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  // CPU is read at the end of the window, before stragglers finish.
  const cpuAfter = await new Promise<ReturnType<typeof cpuSnapshot>>((resolve) => setTimeout(() => resolve(cpuSnapshot(stack.pid)), Math.max(0, end - performance.now())));
  await Promise.all(loops);
  return {
    target,
    concurrency,
    completed,
    errors: failed,
    seconds,
    perSecond: completed / seconds,
    latency: summarize(latencies),
    cpuPercent: cpuPercent(cpuBefore, cpuAfter),
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting.

function report(latency: LatencyResult[], throughput: ThroughputResult[], stack: { startupSeconds: number }): void {
  const out: string[] = [];
  out.push('');
  out.push(`SomaAgent overhead benchmark  (stack start ${fmt(stack.startupSeconds)} s; ${SAMPLES} samples each after ${WARMUP} warm-up; ${SECONDS} s per throughput run)`);
  out.push(`machine: ${cpus().length} cores, load average ${fmt(loadAtStart, 2)} at start, ${fmt(loadavg()[0] ?? 0, 2)} at end (the stack and this load generator share these cores)`);
  out.push('');
  out.push('Sequential latency, ms');
  const rows: string[][] = [['emulator latency / path', 'n', 'mean', 'p50', 'p95', 'p99', 'max']];
  for (const r of latency) {
    rows.push([`${r.emulatorLatencyMs} ms  direct (openai SDK)`, String(r.direct.count), fmt(r.direct.mean), fmt(r.direct.p50), fmt(r.direct.p95), fmt(r.direct.p99), fmt(r.direct.max)]);
    rows.push([`${r.emulatorLatencyMs} ms  via API + Temporal`, String(r.via.count), fmt(r.via.mean), fmt(r.via.p50), fmt(r.via.p95), fmt(r.via.p99), fmt(r.via.max)]);
    rows.push([`${r.emulatorLatencyMs} ms  overhead (via - direct)`, '', fmt(r.overhead.mean), fmt(r.overhead.p50), fmt(r.overhead.p95), fmt(r.overhead.p99), '']);
  }
  out.push(table(rows));
  out.push('');
  out.push('Sustained throughput at emulator latency 0 ms');
  const trows: string[][] = [['path', 'concurrency', 'ok/s', 'ok', 'errors', 'p50 ms', 'p99 ms']];
  for (const t of throughput) {
    trows.push([t.target, String(t.concurrency), fmt(t.perSecond), String(t.completed), String(t.errors), fmt(t.latency.p50), fmt(t.latency.p99)]);
  }
  out.push(table(trows));
  const viaRuns = throughput.filter((t) => t.target === 'via API');
  const best = viaRuns.reduce<ThroughputResult | undefined>((a, b) => (a && a.perSecond >= b.perSecond ? a : b), undefined);
  if (best && Object.keys(best.cpuPercent).length) {
    out.push('');
    out.push(`CPU during the best via-API run (x${best.concurrency}), % of one core (2 cores = 200%)`);
    const crow = Object.entries(best.cpuPercent).sort((a, b) => b[1] - a[1]);
    out.push(table([['process', 'cpu %'], ...crow.map(([k, v]) => [k, fmt(v)])]));
  }
  out.push(...bench.errorLines(), '');
  process.stdout.write(`${out.join('\n')}\n`);
}

function summaryJson(latency: LatencyResult[], throughput: ThroughputResult[], startupSeconds: number): Record<string, unknown> {
  const at = (ms: number) => latency.find((r) => r.emulatorLatencyMs === ms);
  const zero = at(0);
  const fifty = at(50);
  const bestOf = (target: ThroughputResult['target']) =>
    throughput.filter((t) => t.target === target).reduce<ThroughputResult | undefined>((a, b) => (a && a.perSecond >= b.perSecond ? a : b), undefined);
  const bestVia = bestOf('via API');
  const bestDirect = bestOf('direct');
    return {
    overhead_p50_ms: round(zero?.overhead.p50 ?? Number.NaN),
    overhead_p95_ms: round(zero?.overhead.p95 ?? Number.NaN),
    overhead_p99_ms: round(zero?.overhead.p99 ?? Number.NaN),
    completions_per_s: round(bestVia?.perSecond ?? Number.NaN, 1),
    concurrency: bestVia?.concurrency ?? null,
    direct_completions_per_s: round(bestDirect?.perSecond ?? Number.NaN, 1),
    direct_concurrency: bestDirect?.concurrency ?? null,
    overhead_p50_ms_at_50ms: round(fifty?.overhead.p50 ?? Number.NaN),
    overhead_p95_ms_at_50ms: round(fifty?.overhead.p95 ?? Number.NaN),
    overhead_p99_ms_at_50ms: round(fifty?.overhead.p99 ?? Number.NaN),
    direct_p50_ms: round(zero?.direct.p50 ?? Number.NaN),
    direct_p99_ms: round(zero?.direct.p99 ?? Number.NaN),
    via_p50_ms: round(zero?.via.p50 ?? Number.NaN),
    via_p99_ms: round(zero?.via.p99 ?? Number.NaN),
    direct_p50_ms_at_50ms: round(fifty?.direct.p50 ?? Number.NaN),
    via_p50_ms_at_50ms: round(fifty?.via.p50 ?? Number.NaN),
    samples: SAMPLES,
    warmup: WARMUP,
    latency_samples: latency.map((r) => ({ emulator_latency_ms: r.emulatorLatencyMs, direct: r.direct.count, via: r.via.count, stopped_early: r.stoppedEarly })),
    throughput_seconds: SECONDS,
    throughput: throughput.map((t) => ({
      target: t.target === 'via API' ? 'via_api' : 'direct',
      concurrency: t.concurrency,
      per_s: round(t.perSecond, 1),
      completed: t.completed,
      errors: t.errors,
      p50_ms: round(t.latency.p50),
      p99_ms: round(t.latency.p99),
    })),
    cpu_pct_best_via: bestVia?.cpuPercent ?? {},
    errors: bench.errorCount(),
    stack_start_s: round(startupSeconds, 1),
    cores: cpus().length,
    loadavg_start: round(loadAtStart),
    total_s: round((performance.now() - started) / 1000, 1),
    goal_met: zero !== undefined && bestVia !== undefined && zero.overhead.p50 <= 10 && zero.overhead.p99 <= 40 && bestVia.perSecond >= 200,
  };
}

// ---------------------------------------------------------------------------------------------

interface Measured {
  latency: LatencyResult[];
  throughput: ThroughputResult[];
  /** `direct` = /v1/completions, `via` = /v1/chat/completions (the phase's two sides). */
  chat?: LatencyResult;
}

async function measure(stack: BenchStack): Promise<Measured> {
  const latency: LatencyResult[] = [];
  const throughput: ThroughputResult[] = [];
  const direct = directCall(stack);
  const via = viaApiCall(stack);
  await waitForFirstCompletion(via);
  for (const ms of LATENCIES) {
    note(`sequential latency at emulator latency ${ms} ms (${WARMUP} warm-up + ${SAMPLES} rounds) ...`);
    latency.push(await latencyPhase(stack, direct, via, ms));
  }
  let chat: LatencyResult | undefined;
  if (CHAT) {
    note(`OpenAI-compatible route: /v1/chat/completions vs /v1/completions (${WARMUP} warm-up + ${SAMPLES} rounds) ...`);
    chat = await latencyPhase(stack, via, chatCall(stack), 0);
  }
  await emulatorControl(stack.emulatorUrl).setLatency(0);
  for (const [target, call] of CONCURRENCY.length ? ([['via API', via], ['direct', direct]] as const) : []) {
    // A short, discarded run at the highest concurrency warms connections and caches.
    await throughputPhase(stack, call, target, Math.max(...CONCURRENCY), 1);
    for (const c of CONCURRENCY) {
      note(`throughput ${target} at concurrency ${c} for ${SECONDS} s ...`);
      throughput.push(await throughputPhase(stack, call, target, c, SECONDS));
    }
  }
  return { latency, throughput, ...(chat && { chat }) };
}

/** The OpenAI-compatible route's cost on top of /v1/completions (same run underneath). */
function chatReport(chat: LatencyResult | undefined): { lines: string[]; json: Record<string, unknown> } {
  if (!chat) return { lines: [], json: {} };
  const row = (name: string, s: Summary) => [name, String(s.count), fmt(s.mean), fmt(s.p50), fmt(s.p95), fmt(s.p99), fmt(s.max)];
  const lines = [
    'OpenAI-compatible route at emulator latency 0 ms, ms',
    table([
      ['path', 'n', 'mean', 'p50', 'p95', 'p99', 'max'],
      row('/v1/completions', chat.direct),
      row('/v1/chat/completions', chat.via),
      ['overhead (chat - completions)', '', fmt(chat.overhead.mean), fmt(chat.overhead.p50), fmt(chat.overhead.p95), fmt(chat.overhead.p99), ''],
    ]),
    '',
  ];
  const json = {
    chat_overhead_p50_ms: round(chat.overhead.p50),
    chat_overhead_p95_ms: round(chat.overhead.p95),
    chat_p50_ms: round(chat.via.p50),
    chat_completions_baseline_p50_ms: round(chat.direct.p50),
    chat_errors: chat.errors,
  };
  return { lines, json };
}

bench.run({
  measure,
  finish({ latency, throughput, chat }, startupSeconds) {
    report(latency, throughput, { startupSeconds });
    const chatFigures = chatReport(chat);
    process.stdout.write(`${chatFigures.lines.join('\n')}\n`);
    return { ...summaryJson(latency, throughput, startupSeconds), ...chatFigures.json };
  },
});
