/**
 * `npm run bench:failover`: what a failing primary model costs a caller once the breaker is open.
 *
 * Brings up a complete, private stack (stack/main.ts with fresh ports and a temp state folder)
 * and sends the same completion through `POST /v1/completions` with two fallback chains:
 *   - healthy: [primary, secondary], no faults, the primary answers every request;
 *   - failing: [failing primary, secondary], where the emulator answers 500 to every call of the
 *     failing primary. A warm-up runs until its shared circuit breaker is open (answers show it
 *     `skipped` with `circuit_open`); the measured requests are then answered by the secondary.
 * The two primaries are different registry entries of the same provider, alike at the emulator,
 * so the phases can alternate in blocks (H F F H H F ...): an open breaker cannot be closed again
 * without waiting out BREAKER_OPEN_MS, and on a shared machine back-to-back phases measured
 * the machine's drift as much as the failover. BENCH_BLOCKS=1 runs the plain two phases.
 * Each phase sends BENCH_REQUESTS requests from BENCH_CONCURRENCY closed loops after a warm-up.
 * The goal (issue "Failover"): failover p99 within 1.5x the healthy p99. Prints a table to
 * stdout, then one JSON object as the very last line.
 *
 * Knobs (env): BENCH_REQUESTS (500 per phase), BENCH_CONCURRENCY (8), BENCH_BLOCKS (10 per phase),
 * BENCH_WARMUP (40), BENCH_LATENCY_MS (100, the emulator's answer time), BENCH_PRIMARY
 * (gpt-4o-mini), BENCH_FAILING_PRIMARY (gpt-4.1-mini), BENCH_SECONDARY (claude-haiku-4-5),
 * BENCH_MAX_SECONDS (600, hard stop for the whole run). BREAKER_FAILURE_THRESHOLD,
 * BREAKER_OPEN_MS, PROVIDER_MAX_ATTEMPTS and MODEL_CALL_MODE keep the platform's defaults unless
 * set; any other variable passes through to the stack.
 */
import { cpus, loadavg } from 'node:os';
import { loadEnv } from '../platform/config.ts';
import type { BenchStack } from '../tooling/bench/bench-stack.ts';
import { benchRun, sleep, waitForFirstCompletion } from '../tooling/bench/bench-run.ts';
import { intEnv } from '../tooling/bench/bench-env.ts';
import { callsBetween, emulatorControl, type EmulatorControl } from '../tooling/bench/emulator-control.ts';
import { cpuPercent, cpuSnapshot } from '../tooling/bench/process-cpu.ts';
import { fmt, round, summarize, table, type Summary } from '../tooling/bench/stats.ts';

const REQUESTS = intEnv('BENCH_REQUESTS', 500, 10, 100_000);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 8, 1, 256);
/** Short blocks (~2 s each here) spread bursts of other work on the machine over both phases. */
const BLOCKS = Math.min(intEnv('BENCH_BLOCKS', 10, 1, 100), REQUESTS);
const WARMUP = intEnv('BENCH_WARMUP', 40, 0, 10_000);
/**
 * The emulator answers after this long (a 500 too). 100 ms keeps the model call the largest part
 * of a healthy request, as with a real provider, while staying below any real model's time to a
 * short answer: the platform's fixed failover cost weighs more here than it would in production.
 */
const LATENCY_MS = intEnv('BENCH_LATENCY_MS', 100, 0, 60_000);
const PRIMARY = process.env.BENCH_PRIMARY?.trim() || 'gpt-4o-mini';
const FAILING_PRIMARY = process.env.BENCH_FAILING_PRIMARY?.trim() || 'gpt-4.1-mini';
const SECONDARY = process.env.BENCH_SECONDARY?.trim() || 'claude-haiku-4-5';
if (new Set([PRIMARY, FAILING_PRIMARY, SECONDARY]).size !== 3) {
  throw new Error('BENCH_PRIMARY, BENCH_FAILING_PRIMARY and BENCH_SECONDARY must be three different models');
}
const MAX_SECONDS = intEnv('BENCH_MAX_SECONDS', 600, 30, 86_400);
const GOAL_RATIO = 1.5;
/** A single call never waits longer than this. */
const REQUEST_TIMEOUT_MS = 30_000;
/** The breaker must open within this long of the first injected 500, or the run fails. */
const OPEN_TIMEOUT_MS = 60_000;
/** Warm-up ends after this many answers in a row skipped the primary (and at least BENCH_WARMUP answers). */
const OPEN_STREAK = Math.max(20, 2 * CONCURRENCY);
/** Injected 500s for the primary: more than any run makes, so every primary call fails. */
const PRIMARY_FAULTS = 10_000_000;

/**
 * The settings that shape failover, parsed the way the platform parses them (its defaults
 * unless set here) and handed to the stack explicitly, so the figures name what was used.
 */
const platform = loadEnv({
  BREAKER_FAILURE_THRESHOLD: process.env.BREAKER_FAILURE_THRESHOLD,
  BREAKER_OPEN_MS: process.env.BREAKER_OPEN_MS,
  PROVIDER_MAX_ATTEMPTS: process.env.PROVIDER_MAX_ATTEMPTS,
  MODEL_CALL_MODE: process.env.MODEL_CALL_MODE,
});
const STACK_ENV = {
  BREAKER_FAILURE_THRESHOLD: String(platform.BREAKER_FAILURE_THRESHOLD),
  BREAKER_OPEN_MS: String(platform.BREAKER_OPEN_MS),
  PROVIDER_MAX_ATTEMPTS: String(platform.PROVIDER_MAX_ATTEMPTS),
  MODEL_CALL_MODE: platform.MODEL_CALL_MODE,
  EMULATOR_LATENCY_MS: String(LATENCY_MS),
};
const MESSAGES = [{ role: 'user' as const, content: 'Say hello in five words.' }];

const bench = benchRun(MAX_SECONDS);
const { note } = bench;
const started = performance.now();
/** Other work on the machine skews every figure: recorded so runs can be compared fairly. */
const loadAtStart = loadavg()[0] ?? 0;

// ---------------------------------------------------------------------------------------------
// One completion through the API, and what its attempt history says about the chain's primary.

/** `skipped`: breaker open, no call; `failed`: called and failed (e.g. a half-open probe); `answered`. */
type PrimaryOutcome = 'answered' | 'skipped' | 'failed';

interface Answer {
  ms: number;
  /** The registry id of the model that answered. */
  model: string;
  primary: PrimaryOutcome;
}

interface AttemptJson {
  model: string;
  outcome: string;
}

type Ask = () => Promise<Answer>;

type PhaseName = 'healthy' | 'failover';

interface Chain {
  phase: PhaseName;
  /** Registry id of the chain's first model; the secondary is SECONDARY for both chains. */
  primary: string;
  /** The vendor's model name for `primary`: what the emulator counts and faults by. */
  providerModel: string;
  ask: Ask;
}

function askThroughApi(stack: BenchStack, primary: string): Ask {
  const url = `${stack.apiUrl}/v1/completions`;
  const headers = { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' };
  const body = JSON.stringify({ models: [primary, SECONDARY], messages: MESSAGES });
  return async () => {
    const t0 = performance.now();
    // Node's global fetch (undici) keeps connections alive between calls.
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`HTTP ${res.status} ${text.slice(0, 100)}`);
    const json = JSON.parse(text) as { model?: unknown; text?: unknown; attempt_history?: AttemptJson[] };
    if (typeof json.text !== 'string' || typeof json.model !== 'string') throw new Error('no text or model in the answer');
    const first = json.attempt_history?.[0];
    if (first?.model !== primary) throw new Error(`attempt history does not start with ${primary}`);
    const outcome: PrimaryOutcome = first.outcome === 'answered' ? 'answered' : first.outcome === 'skipped' ? 'skipped' : 'failed';
    return { ms, model: json.model, primary: outcome };
  };
}

/** The emulator matches faults on the vendor's model name, which the registry maps the id to. */
async function chainFor(stack: BenchStack, phase: PhaseName, primary: string): Promise<Chain> {
  const res = await fetch(`${stack.apiUrl}/v1/models/${encodeURIComponent(primary)}`, {
    headers: { authorization: `Bearer ${stack.adminKey}` },
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`model ${primary}: HTTP ${res.status} ${text.slice(0, 120)}`);
  const json = JSON.parse(text) as { provider_model?: unknown };
  if (typeof json.provider_model !== 'string') throw new Error(`model ${primary}: no provider_model`);
  return { phase, primary, providerModel: json.provider_model, ask: askThroughApi(stack, primary) };
}

// ---------------------------------------------------------------------------------------------
// Load.

interface Batch {
  answers: Answer[];
  failed: number;
  seconds: number;
}

/**
 * Up to `count` requests from `concurrency` closed loops, in completion order. `done` is asked
 * after every answer and stops the loops (calls in flight still finish and count).
 */
async function sendRequests(ask: Ask, where: string, count: number, concurrency: number, done?: (answers: readonly Answer[]) => boolean): Promise<Batch> {
  const answers: Answer[] = [];
  let issued = 0;
  let failed = 0;
  let stop = false;
  const t0 = performance.now();
  const loop = async () => {
    while (issued < count && !stop && !bench.aborted) {
      issued++;
      try {
        answers.push(await ask());
        if (done?.(answers)) stop = true;
      } catch (err) {
        failed++;
        bench.countError(where, err);
        // A failing target must not turn into a hot loop.
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { answers, failed, seconds: (performance.now() - t0) / 1000 };
}

/** One phase's blocks added up. */
interface Tally {
  answers: Answer[];
  failed: number;
  seconds: number;
  /** Calls for the chain's primary that reached the emulator. */
  primaryCalls: number;
  /** CPU % of one core per process, times the block's seconds (divided by `seconds` at the end). */
  cpuPercentSeconds: Record<string, number>;
}

const emptyTally = (): Tally => ({ answers: [], failed: 0, seconds: 0, primaryCalls: 0, cpuPercentSeconds: {} });

async function measureBlock(stack: BenchStack, emulator: EmulatorControl, chain: Chain, count: number, into: Tally): Promise<void> {
  const statsBefore = await emulator.stats();
  const cpuBefore = cpuSnapshot(stack.pid);
  const batch = await sendRequests(chain.ask, chain.phase, count, CONCURRENCY);
  const cpuAfter = cpuSnapshot(stack.pid);
  const statsAfter = await emulator.stats();
  into.answers.push(...batch.answers);
  into.failed += batch.failed;
  into.seconds += batch.seconds;
  into.primaryCalls += callsBetween(statsBefore, statsAfter, chain.providerModel);
  for (const [label, pct] of Object.entries(cpuPercent(cpuBefore, cpuAfter))) {
    into.cpuPercentSeconds[label] = (into.cpuPercentSeconds[label] ?? 0) + pct * batch.seconds;
  }
}

interface PhaseResult {
  chain: Chain;
  latency: Summary;
  seconds: number;
  perSecond: number;
  errors: number;
  /** Answers by the model that gave them. */
  answeredBy: Record<string, number>;
  primary: Record<PrimaryOutcome, number>;
  primaryCalls: number;
  cpuPercent: Record<string, number>;
}

function phaseResult(chain: Chain, tally: Tally): PhaseResult {
  const answeredBy: Record<string, number> = {};
  const primary: Record<PrimaryOutcome, number> = { answered: 0, skipped: 0, failed: 0 };
  for (const a of tally.answers) {
    answeredBy[a.model] = (answeredBy[a.model] ?? 0) + 1;
    primary[a.primary]++;
  }
  const cpu: Record<string, number> = {};
  for (const [label, v] of Object.entries(tally.cpuPercentSeconds)) cpu[label] = round(v / tally.seconds, 1) ?? 0;
  return {
    chain,
    latency: summarize(tally.answers.map((a) => a.ms)),
    seconds: tally.seconds,
    perSecond: tally.answers.length / tally.seconds,
    errors: tally.failed,
    answeredBy,
    primary,
    primaryCalls: tally.primaryCalls,
    cpuPercent: cpu,
  };
}

/** H F F H H F ...: each phase runs first as often as second, so drift hits both alike. */
async function measurePhases(stack: BenchStack, emulator: EmulatorControl, healthy: Chain, failover: Chain): Promise<[PhaseResult, PhaseResult]> {
  const tallies = new Map<Chain, Tally>([
    [healthy, emptyTally()],
    [failover, emptyTally()],
  ]);
  for (let block = 0; block < BLOCKS && !bench.aborted; block++) {
    const count = Math.floor((REQUESTS * (block + 1)) / BLOCKS) - Math.floor((REQUESTS * block) / BLOCKS);
    for (const chain of block % 2 === 0 ? [healthy, failover] : [failover, healthy]) {
      note(`block ${block + 1}/${BLOCKS}: ${count} ${chain.phase} requests ...`);
      await measureBlock(stack, emulator, chain, count, tallies.get(chain)!);
    }
  }
  return [phaseResult(healthy, tallies.get(healthy)!), phaseResult(failover, tallies.get(failover)!)];
}

/** How the platform got from "primary failing" to "breaker open". */
interface Opening {
  /** Seconds from the first injected fault to the first answer that skipped the primary. */
  firstSkipSeconds: number | null;
  /** Answers before the first skip; each of them called the primary at least once. */
  answersBeforeFirstSkip: number;
  warmupAnswers: number;
  warmupSeconds: number;
  /** Primary calls (all answered 500) that reached the emulator during the warm-up. */
  primaryCalls: number;
  /** The slowest answer of the warm-up: a request caught while the breaker opened. */
  maxMs: number;
}

/** Makes every call of the chain's primary fail, then sends requests until its breaker is open. */
async function openBreaker(emulator: EmulatorControl, chain: Chain): Promise<Opening> {
  const statsBefore = await emulator.stats();
  await emulator.injectFault({ status: 500, count: PRIMARY_FAULTS, model: chain.providerModel });
  const t0 = performance.now();
  const deadline = t0 + OPEN_TIMEOUT_MS;
  let streak = 0;
  let open = false;
  let firstSkipAt: number | undefined;
  let firstSkipIndex = -1;
  const batch = await sendRequests(chain.ask, 'failover warm-up', Number.MAX_SAFE_INTEGER, CONCURRENCY, (answers) => {
    const last = answers[answers.length - 1]!;
    streak = last.primary === 'skipped' ? streak + 1 : 0;
    if (last.primary === 'skipped' && firstSkipAt === undefined) {
      firstSkipAt = performance.now();
      firstSkipIndex = answers.length - 1;
    }
    // Requests caught in a retry backoff while it opened may still finish after this.
    if (streak >= OPEN_STREAK) open = true;
    return (open && answers.length >= WARMUP) || performance.now() > deadline;
  });
  const statsAfter = await emulator.stats();
  if (!open && !bench.aborted) {
    throw new Error(
      `the breaker for ${chain.primary} did not stay open: after ${fmt(batch.seconds)} s and ${batch.answers.length} answers, ` +
        `never ${OPEN_STREAK} answers in a row skipped it (${batch.failed} requests failed)`,
    );
  }
  return {
    firstSkipSeconds: firstSkipAt === undefined ? null : (firstSkipAt - t0) / 1000,
    answersBeforeFirstSkip: firstSkipIndex,
    warmupAnswers: batch.answers.length,
    warmupSeconds: batch.seconds,
    primaryCalls: callsBetween(statsBefore, statsAfter, chain.providerModel),
    maxMs: summarize(batch.answers.map((a) => a.ms)).max,
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting.

const ratioOf = (failover: number, healthy: number) => (healthy > 0 ? failover / healthy : Number.NaN);

function report(healthy: PhaseResult, failover: PhaseResult, opening: Opening, startupSeconds: number): void {
  const out: string[] = [];
  out.push('');
  out.push(
    `SomaAgent failover benchmark  (stack start ${fmt(startupSeconds)} s; ${REQUESTS} requests per phase at concurrency ${CONCURRENCY}, ` +
      `in ${BLOCKS} alternating blocks, after ${WARMUP} warm-up)`,
  );
  out.push(
    `emulator latency ${LATENCY_MS} ms; breaker opens after ${platform.BREAKER_FAILURE_THRESHOLD} failures, stays open ${platform.BREAKER_OPEN_MS} ms; ` +
      `PROVIDER_MAX_ATTEMPTS ${platform.PROVIDER_MAX_ATTEMPTS}; MODEL_CALL_MODE ${platform.MODEL_CALL_MODE}`,
  );
  out.push(`machine: ${cpus().length} cores, load average ${fmt(loadAtStart, 2)} at start, ${fmt(loadavg()[0] ?? 0, 2)} at end (the stack and this load generator share these cores)`);
  out.push('');
  out.push('Completion latency through the API, ms');
  const row = (label: string, p: PhaseResult) => [label, String(p.latency.count), fmt(p.perSecond), fmt(p.latency.mean), fmt(p.latency.p50), fmt(p.latency.p95), fmt(p.latency.p99), fmt(p.latency.max), String(p.errors)];
  const r = (f: number, h: number) => fmt(ratioOf(f, h), 2);
  out.push(
    table([
      ['phase', 'n', 'ok/s', 'mean', 'p50', 'p95', 'p99', 'max', 'errors'],
      row(`healthy  ${PRIMARY} -> ${SECONDARY}`, healthy),
      row(`failing  ${FAILING_PRIMARY} (500s) -> ${SECONDARY}`, failover),
      ['ratio failing / healthy', '', '', r(failover.latency.mean, healthy.latency.mean), r(failover.latency.p50, healthy.latency.p50), r(failover.latency.p95, healthy.latency.p95), r(failover.latency.p99, healthy.latency.p99), '', ''],
    ]),
  );
  const ratio = ratioOf(failover.latency.p99, healthy.latency.p99);
  out.push('');
  out.push(`p99 ratio ${fmt(ratio, 2)} (goal <= ${GOAL_RATIO}): ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}`);
  out.push('');
  out.push("Who answered, and what happened to each chain's primary");
  const who = (p: PhaseResult) => [p.chain.phase, String(p.answeredBy[p.chain.primary] ?? 0), String(p.answeredBy[SECONDARY] ?? 0), String(p.primary.skipped), String(p.primary.failed), String(p.primaryCalls)];
  out.push(
    table([
      ['phase', 'answered by primary', `by ${SECONDARY}`, 'primary skipped (open)', 'primary called, failed', 'primary calls at emulator'],
      who(healthy),
      who(failover),
    ]),
  );
  out.push('');
  out.push(
    `Breaker opening (not measured above): first answer that skipped ${FAILING_PRIMARY} after ${opening.firstSkipSeconds === null ? 'n/a' : fmt(opening.firstSkipSeconds, 2)} s ` +
      `(${opening.answersBeforeFirstSkip} answers before it); warm-up ${opening.warmupAnswers} answers in ${fmt(opening.warmupSeconds)} s, ` +
      `${opening.primaryCalls} calls of ${FAILING_PRIMARY} (all 500), slowest answer ${fmt(opening.maxMs)} ms`,
  );
  out.push('');
  out.push('CPU per phase, % of one core (2 cores = 200%)');
  const labels = [...new Set([...Object.keys(healthy.cpuPercent), ...Object.keys(failover.cpuPercent)])].sort((a, b) => (failover.cpuPercent[b] ?? 0) - (failover.cpuPercent[a] ?? 0));
  if (labels.length) out.push(table([['process', 'healthy', 'failing'], ...labels.map((l) => [l, fmt(healthy.cpuPercent[l] ?? 0), fmt(failover.cpuPercent[l] ?? 0)])]));
  out.push(...bench.errorLines(), '');
  process.stdout.write(`${out.join('\n')}\n`);
}

function phaseJson(p: PhaseResult) {
  return {
    chain: [p.chain.primary, SECONDARY],
    completed: p.latency.count,
    errors: p.errors,
    seconds: round(p.seconds, 1),
    per_s: round(p.perSecond, 1),
    mean_ms: round(p.latency.mean),
    max_ms: round(p.latency.max),
    answered_by: p.answeredBy,
    primary_outcomes: p.primary,
    primary_calls_at_emulator: p.primaryCalls,
    cpu_pct: p.cpuPercent,
  };
}

function summaryJson(healthy: PhaseResult, failover: PhaseResult, opening: Opening, startupSeconds: number): Record<string, unknown> {
  const ratio = ratioOf(failover.latency.p99, healthy.latency.p99);
  return {
    healthy_p50_ms: round(healthy.latency.p50),
    healthy_p95_ms: round(healthy.latency.p95),
    healthy_p99_ms: round(healthy.latency.p99),
    failover_p50_ms: round(failover.latency.p50),
    failover_p95_ms: round(failover.latency.p95),
    failover_p99_ms: round(failover.latency.p99),
    ratio: round(ratio, 3),
    goal_ratio: GOAL_RATIO,
    goal_met: ratio <= GOAL_RATIO && healthy.errors === 0 && failover.errors === 0,
    answered_by_secondary: failover.answeredBy[SECONDARY] ?? 0,
    primary_skipped: failover.primary.skipped,
    /** Failing-phase requests that called the failing primary anyway: half-open probes. */
    primary_probed: failover.primary.failed,
    primary_calls_measured: failover.primaryCalls,
    healthy: phaseJson(healthy),
    failover: phaseJson(failover),
    breaker_opening: {
      first_skip_s: round(opening.firstSkipSeconds ?? Number.NaN, 3),
      answers_before_first_skip: opening.answersBeforeFirstSkip,
      warmup_answers: opening.warmupAnswers,
      warmup_s: round(opening.warmupSeconds, 2),
      primary_calls: opening.primaryCalls,
      max_ms: round(opening.maxMs),
    },
    settings: {
      primary: PRIMARY,
      failing_primary: FAILING_PRIMARY,
      secondary: SECONDARY,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      blocks: BLOCKS,
      warmup: WARMUP,
      emulator_latency_ms: LATENCY_MS,
      breaker_failure_threshold: platform.BREAKER_FAILURE_THRESHOLD,
      breaker_open_ms: platform.BREAKER_OPEN_MS,
      provider_max_attempts: platform.PROVIDER_MAX_ATTEMPTS,
      model_call_mode: platform.MODEL_CALL_MODE,
    },
    errors: bench.errorCount(),
    stack_start_s: round(startupSeconds, 1),
    cores: cpus().length,
    loadavg_start: round(loadAtStart),
    loadavg_end: round(loadavg()[0] ?? 0),
    total_s: round((performance.now() - started) / 1000, 1),
  };
}

// ---------------------------------------------------------------------------------------------

bench.run({
  stackEnv: STACK_ENV,
  async measure(stack) {
    const emulator = emulatorControl(stack.emulatorUrl);
    await emulator.setLatency(LATENCY_MS);
    const healthy = await chainFor(stack, 'healthy', PRIMARY);
    const failing = await chainFor(stack, 'failover', FAILING_PRIMARY);
    await waitForFirstCompletion(healthy.ask);

    note(`warm-up: ${WARMUP} healthy requests at concurrency ${CONCURRENCY} ...`);
    await sendRequests(healthy.ask, 'healthy warm-up', WARMUP, CONCURRENCY);
    note(`every ${failing.providerModel} call now answers 500; warm-up until its breaker is open ...`);
    const opening = await openBreaker(emulator, failing);
    note(`breaker open (first skip after ${opening.firstSkipSeconds === null ? 'n/a' : fmt(opening.firstSkipSeconds, 2)} s)`);
    const [h, f] = await measurePhases(stack, emulator, healthy, failing);
    return { healthy: h, failover: f, opening };
  },
  finish({ healthy, failover, opening }, startupSeconds) {
    report(healthy, failover, opening, startupSeconds);
    return summaryJson(healthy, failover, opening, startupSeconds);
  },
});
