/**
 * `somaagent logs`: what the platform is doing. By default the tenant's runs as they start and
 * change (`--follow` keeps polling); `--run ID` shows one run's events (`--follow` streams them
 * until the run closes); `--worker-logs` adds the local stack's service logs
 * (`.soma/logs/*.log`). With --json every line is one JSON object.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import type { Run } from '@somaagent/sdk';
import { followEvents } from '../api.ts';
import { contextOf, type Context } from '../context.ts';
import { colorStatus, positiveInt, shortTime } from '../format.ts';
import { tailLogs } from '../logs/log-tail.ts';
import { stateDir } from '../repo-root.ts';

interface LogsOptions {
  run?: string;
  follow?: boolean;
  workerLogs?: boolean;
  lines: number;
  interval: number;
}

/** One history event of a run, as GET /v1/runs/{id}/events lists it. */
interface RunEvent {
  id: number;
  type: string;
  time: string | null;
  summary?: string;
  details?: Record<string, unknown>;
}

function printEvent(ctx: Context, runId: string, e: RunEvent): void {
  const { out } = ctx;
  if (out.json) return out.data({ source: 'run_event', run_id: runId, ...e }, true);
  const failed = /failed|timed_out|terminated|canceled/.test(e.type);
  const details = e.details && Object.keys(e.details).length ? `  ${out.style.dim(JSON.stringify(e.details))}` : '';
  out.line(`${out.style.dim(shortTime(e.time))}  ${out.style.dim(`#${String(e.id).padEnd(3)}`)} ${failed ? out.style.red(e.type) : e.type}${e.summary ? `  ${e.summary}` : ''}${details}`);
}

async function runEvents(ctx: Context, runId: string, follow: boolean, signal: AbortSignal): Promise<void> {
  const path = `/v1/runs/${encodeURIComponent(runId)}/events`;
  if (!follow) {
    const body = await (await ctx.client()).get<{ data: RunEvent[] }>(path);
    for (const e of body.data) printEvent(ctx, runId, e);
    return;
  }
  for await (const { event, data } of followEvents(await ctx.credentials(), `${path}?follow=true`, signal)) {
    if (event === 'run_event') printEvent(ctx, runId, data as RunEvent);
    else if (event === 'end') {
      if (!ctx.out.json) ctx.out.note(`run ${runId} ${(data as { closed?: boolean }).closed ? 'has closed' : 'stream ended'}`);
      return;
    }
  }
}

function printRun(ctx: Context, run: Run, change: string): void {
  const { out } = ctx;
  if (out.json) return out.data({ source: 'run', change, ...run }, true);
  out.line(`${out.style.dim(shortTime(run.closed_at ?? run.created_at))}  ${run.id}  ${run.kind}  ${colorStatus(run.status, out.style)}${run.model ? `  ${run.model}` : ''}`);
}

async function runActivity(ctx: Context, options: LogsOptions, signal: AbortSignal): Promise<void> {
  const client = await ctx.client();
  const seen = new Map<string, string>();
  let first = true;
  while (!signal.aborted) {
    const { data } = await client.runs.list({ limit: first ? options.lines : 100 });
    // The API lists newest first; a log reads oldest first.
    for (const run of [...data].reverse()) {
      const before = seen.get(run.id);
      if (before === run.status) continue;
      seen.set(run.id, run.status);
      printRun(ctx, run, before === undefined ? (first ? 'existing' : 'new') : 'status');
    }
    first = false;
    if (!options.follow) return;
    await new Promise((resolve) => setTimeout(resolve, options.interval * 1000));
  }
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("the tenant's runs as they change, one run's events (--run), and the local stack's service logs (--worker-logs)")
    .option('--run <id>', "show this run's events")
    .option('-f, --follow', 'keep printing as things happen (until the run closes, or Ctrl-C)')
    .option('--worker-logs', `include the local stack's service logs (${join('$SOMA_STATE_DIR', 'logs')}/*.log, default .soma/logs)`)
    .option('-n, --lines <n>', 'how many recent runs or log lines to start with', positiveInt, 20)
    .option('--interval <seconds>', 'how often --follow polls the runs', positiveInt, 2)
    .action(async (options: LogsOptions, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      const stop = new AbortController();
      const tasks: Array<Promise<void>> = [];
      if (options.workerLogs) {
        const dir = join(stateDir(), 'logs');
        tasks.push(
          tailLogs({
            dir,
            lines: options.lines,
            // Worker logs follow as long as the main source does; alone, until Ctrl-C.
            follow: options.follow === true,
            signal: stop.signal,
            onLine: ({ service, line }) => (out.json ? out.data({ source: 'service_log', service, line }, true) : out.line(`${out.style.dim(`[${service}]`)} ${line}`)),
          }).then(({ files }) => {
            if (files.length === 0) out.note(`No service logs in ${dir} (is the platform running locally? \`somaagent dev\`)`);
          }),
        );
      }
      const main = options.run ? runEvents(ctx, options.run, options.follow === true, stop.signal) : runActivity(ctx, options, stop.signal);
      // When the main source ends (the run closed), the log tail stops with it.
      tasks.push(main.finally(() => stop.abort()));
      await Promise.all(tasks);
    });
}
