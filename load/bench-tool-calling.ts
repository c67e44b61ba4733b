/**
 * `npm run bench:tool-calling`: what tool calling costs on top of a plain completion.
 *
 * Brings up a complete, private stack (as bench:overhead does) and sends, round-robin and
 * sequentially at emulator latency 0 ms, three kinds of `POST /v1/completions` through the whole
 * path (API -> Temporal workflow -> activity -> emulator):
 * - `plain`: a user message, no tools (the baseline, measured in the same run);
 * - `call`: the same with 8 tools offered; the emulator calls one (schema validation with Ajv,
 *   the capability filter, the adapter's mapping, tool_calls back);
 * - `answer`: the second turn: the call and its result in the messages, 8 tools offered
 *   (call-id checks, assistant/tool turns mapped to the vendor's shape).
 * Each kind runs once against an OpenAI model and once against an Anthropic one. The order of
 * kinds rotates every round so drift hits all alike. Prints a table, then one JSON object as
 * the very last line.
 *
 * Knobs (env): BENCH_SAMPLES (150 per kind and vendor), BENCH_WARMUP (15), BENCH_MAX_SECONDS (600).
 */
import { cpus, loadavg } from 'node:os';
import { intEnv } from '../tooling/bench/bench-env.ts';
import { benchRun, waitForFirstCompletion } from '../tooling/bench/bench-run.ts';
import type { BenchStack } from '../tooling/bench/bench-stack.ts';
import { emulatorControl } from '../tooling/bench/emulator-control.ts';
import { fmt, round, summarize, table, type Summary } from '../tooling/bench/stats.ts';

const SAMPLES = intEnv('BENCH_SAMPLES', 150, 1, 100_000);
const WARMUP = intEnv('BENCH_WARMUP', 15, 0, 10_000);
const MAX_SECONDS = intEnv('BENCH_MAX_SECONDS', 600, 30, 86_400);
const REQUEST_TIMEOUT_MS = 30_000;
const MODELS = ['gpt-4o-mini', 'claude-haiku-4-5'] as const;
const KINDS = ['plain', 'call', 'answer'] as const;
type Kind = (typeof KINDS)[number];

/** Eight tools of the size agents send: a few typed properties each. */
const TOOLS = Array.from({ length: 8 }, (_, i) => ({
  name: i === 0 ? 'get_weather' : `tool_${i}`,
  description: `Tool number ${i}`,
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['city'],
  },
}));
const ASK = { role: 'user', content: 'What is the weather? Use get_weather with city=Paris days=3.' };

const bench = benchRun(MAX_SECONDS);
const note = bench.note;
const loadAtStart = loadavg()[0] ?? 0;

function bodies(model: string): Record<Kind, string> {
  const call = { id: 'call_bench0', name: 'get_weather', arguments: '{"city":"Paris","days":3}' };
  return {
    plain: JSON.stringify({ model, messages: [ASK] }),
    call: JSON.stringify({ model, messages: [ASK], tools: TOOLS }),
    answer: JSON.stringify({ model, tools: TOOLS, messages: [ASK, { role: 'assistant', tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' }] }),
  };
}

/** Checks the answer is what the kind should produce, so a broken path is never measured as fast. */
function check(kind: Kind, json: { text?: unknown; tool_calls?: unknown[]; finish_reason?: unknown }): void {
  if (kind === 'call' && (json.finish_reason !== 'tool_calls' || json.tool_calls?.length !== 1)) throw new Error('call: no tool call in the answer');
  if (kind === 'answer' && json.text !== 'Tool results: get_weather=sunny, 21C') throw new Error('answer: not the tool results');
  if (kind === 'plain' && (typeof json.text !== 'string' || json.tool_calls !== undefined)) throw new Error('plain: no text');
}

async function timed(stack: BenchStack, kind: Kind, body: string, where: string): Promise<number | undefined> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${stack.apiUrl}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} ${text.slice(0, 120)}`);
    check(kind, JSON.parse(text) as Parameters<typeof check>[1]);
    return performance.now() - t0;
  } catch (err) {
    bench.countError(where, err);
    return undefined;
  }
}

type Results = Record<string, Record<Kind, Summary>>;

async function measure(stack: BenchStack): Promise<Results> {
  await emulatorControl(stack.emulatorUrl).setLatency(0);
  const results: Results = {};
  for (const model of MODELS) {
    const body = bodies(model);
    await waitForFirstCompletion(async () => {
      if ((await timed(stack, 'call', body.call, 'warm-up')) === undefined) throw new Error('no answer yet');
    });
    const samples: Record<Kind, number[]> = { plain: [], call: [], answer: [] };
    note(`${model}: ${WARMUP} warm-up + ${SAMPLES} rounds of plain / call / answer ...`);
    for (let i = 0; i < WARMUP + SAMPLES && !bench.aborted; i++) {
      const order = [...KINDS.slice(i % 3), ...KINDS.slice(0, i % 3)];
      for (const kind of order) {
        const ms = await timed(stack, kind, body[kind], `${model} ${kind}`);
        if (ms !== undefined && i >= WARMUP) samples[kind].push(ms);
      }
    }
    results[model] = { plain: summarize(samples.plain), call: summarize(samples.call), answer: summarize(samples.answer) };
  }
  return results;
}

bench.run({
  measure,
  finish(results, startupSeconds) {
    const rows: string[][] = [['model / request', 'n', 'mean', 'p50', 'p95', 'p99']];
    for (const [model, byKind] of Object.entries(results)) {
      for (const kind of KINDS) {
        const s = byKind[kind];
        rows.push([`${model}  ${kind}`, String(s.count), fmt(s.mean), fmt(s.p50), fmt(s.p95), fmt(s.p99)]);
      }
    }
    process.stdout.write(
      [
        '',
        `Tool calling through /v1/completions at emulator latency 0 ms (stack start ${fmt(startupSeconds)} s; ${SAMPLES} samples per row after ${WARMUP} warm-up)`,
        `machine: ${cpus().length} cores, load average ${fmt(loadAtStart, 2)} at start, ${fmt(loadavg()[0] ?? 0, 2)} at end`,
        '',
        table(rows),
        ...bench.errorLines(),
        '',
      ].join('\n') + '\n',
    );
    const openai = results['gpt-4o-mini'];
    const anthropic = results['claude-haiku-4-5'];
    const figure = (s: Summary | undefined) => round(s?.p50 ?? Number.NaN);
    return {
      tool_call_p50_ms: figure(openai?.call),
      tool_answer_p50_ms: figure(openai?.answer),
      plain_baseline_p50_ms: figure(openai?.plain),
      tool_call_overhead_p50_ms: round((openai?.call.p50 ?? Number.NaN) - (openai?.plain.p50 ?? Number.NaN)),
      anthropic_tool_call_p50_ms: figure(anthropic?.call),
      anthropic_tool_answer_p50_ms: figure(anthropic?.answer),
      anthropic_plain_baseline_p50_ms: figure(anthropic?.plain),
      anthropic_tool_call_overhead_p50_ms: round((anthropic?.call.p50 ?? Number.NaN) - (anthropic?.plain.p50 ?? Number.NaN)),
      tool_call_p95_ms: round(openai?.call.p95 ?? Number.NaN),
      plain_baseline_p95_ms: round(openai?.plain.p95 ?? Number.NaN),
      tools_offered: TOOLS.length,
      samples: SAMPLES,
      warmup: WARMUP,
      errors: bench.errorCount(),
      cores: cpus().length,
      loadavg_start: round(loadAtStart),
      stack_start_s: round(startupSeconds, 1),
    };
  },
});
