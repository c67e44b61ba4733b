/** `somaagent runs list|show|query|signal|cancel`: the tenant's runs (durable workflows). */
import type { Command } from 'commander';
import { NO_RETRY } from '../api.ts';
import { contextOf } from '../context.ts';
import { colorStatus, jsonOrString, positiveInt, shortTime, usd } from '../format.ts';

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('list, inspect, signal and cancel runs');

  runs
    .command('list')
    .description("the tenant's most recent runs")
    .option('-n, --limit <n>', 'how many (1-200)', positiveInt, 20)
    .option('--kind <kind>', 'only runs of this kind (e.g. completion)')
    .action(async (options: { limit: number; kind?: string }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const spinner = ctx.out.spinner('Listing runs …');
      const body = await client.runs.list({ limit: options.limit, ...(options.kind && { kind: options.kind }) }).finally(() => spinner.stop());
      const { out } = ctx;
      out.result(body, (b) => {
        if (b.data.length === 0) return out.note('No runs yet.');
        out.table(
          ['ID', 'KIND', 'STATUS', 'MODEL', 'CREATED'],
          b.data.map((r) => [r.id, r.kind, colorStatus(r.status, out.style), r.model ?? '-', shortTime(r.created_at)]),
        );
      });
    });

  runs
    .command('show')
    .description("one run's status, and its result or error")
    .argument('<id>', 'run id (the workflow id)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const run = await (await ctx.client()).runs.get(id);
      const { out } = ctx;
      out.result(run, (r) => {
        const field = (name: string, value: string) => out.line(`${out.style.dim(name.padEnd(10))} ${value}`);
        field('id', r.id);
        field('kind', r.kind);
        field('status', colorStatus(r.status, out.style));
        field('model', r.model ?? '-');
        field('created', shortTime(r.created_at));
        field('closed', shortTime(r.closed_at));
        if (r.error) field('error', out.style.red(`${r.error.code}: ${r.error.message}`));
        const result = r.result as { text?: unknown; cost_usd?: unknown; usage?: { input_tokens?: number; output_tokens?: number } } | undefined;
        if (result && typeof result.text === 'string') {
          if (result.usage) field('tokens', `${result.usage.input_tokens ?? '?'} in, ${result.usage.output_tokens ?? '?'} out`);
          if (result.cost_usd !== undefined) field('cost', usd(result.cost_usd));
          out.line();
          out.line(result.text);
        } else if (result !== undefined) {
          out.line();
          out.line(JSON.stringify(result, null, 2));
        }
      });
    });

  runs
    .command('query')
    .description("ask a running (or closed) run's query handler")
    .argument('<id>', 'run id')
    .argument('<name>', 'query name')
    .argument('[args...]', 'arguments (each parsed as JSON when it is JSON)')
    .action(async (id: string, name: string, args: string[], _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).runs.query(id, name, { args: args.map(jsonOrString) });
      ctx.out.result(body, (b) => ctx.out.line(JSON.stringify(b.result, null, 2)));
    });

  runs
    .command('signal')
    .description('send a signal to a running run')
    .argument('<id>', 'run id')
    .argument('<name>', 'signal name')
    .argument('[args...]', 'arguments (each parsed as JSON when it is JSON)')
    .action(async (id: string, name: string, args: string[], _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).runs.signal(id, name, { args: args.map(jsonOrString) }, NO_RETRY);
      ctx.out.result(body, () => ctx.out.line(`${ctx.out.style.green('✓')} Signal ${name} sent to ${id}.`));
    });

  runs
    .command('cancel')
    .description('ask a running run to cancel')
    .argument('<id>', 'run id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).runs.cancel(id, NO_RETRY);
      ctx.out.result(body, () => ctx.out.line(`${ctx.out.style.green('✓')} Cancellation requested for ${id}.`));
    });
}
