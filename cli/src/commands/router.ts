/**
 * `somaagent router import|outcomes|train|register|versions|promote`: the learned router from the
 * command line. Import measured outcomes (a JSONL file, whole or not at all), train a router on
 * them on the server, register a router `npm run router:train` wrote there, list versions with
 * their held-out figures, and promote one (an approver or admin key; the approver is the key).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { NO_RETRY } from '../api.ts';
import { contextOf } from '../context.ts';
import { usageError } from '../exit-codes.ts';

const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '-');
const num = (x: unknown) => (typeof x === 'number' ? x.toFixed(3) : '-');

export function registerRouter(program: Command): void {
  const router = program.command('router').description('the learned router: outcomes, training, versions, promotion');

  router
    .command('import')
    .description('import a measured-outcomes file (JSONL, wide or long lines); one bad line and nothing is imported')
    .argument('<file>', 'the outcomes file')
    .option('--source <name>', 'the data set of lines that do not name one')
    .option('--prices <file>', 'a models.json ({"models": {"<name>": {"input_usd_per_mtok", "output_usd_per_mtok"}}}) to price outcomes without cost_usd')
    .action(async (file: string, options: { source?: string; prices?: string }, command: Command) => {
      const ctx = contextOf(command);
      const jsonl = readFileSync(file, 'utf8');
      let prices: Record<string, { input_usd_per_mtok: number; output_usd_per_mtok: number }> | undefined;
      if (options.prices) {
        const parsed = JSON.parse(readFileSync(options.prices, 'utf8')) as { models?: Record<string, { input_usd_per_mtok: number | null; output_usd_per_mtok: number | null }> };
        if (!parsed.models) throw usageError(`${options.prices} has no "models" object`);
        prices = Object.fromEntries(
          Object.entries(parsed.models).flatMap(([m, p]) => (p.input_usd_per_mtok === null || p.output_usd_per_mtok === null ? [] : [[m, { input_usd_per_mtok: p.input_usd_per_mtok, output_usd_per_mtok: p.output_usd_per_mtok }]])),
        );
      }
      const result = await (await ctx.client()).router.outcomes.import({ jsonl, name: basename(file), ...(options.source && { source: options.source }), ...(prices && { prices }) }, NO_RETRY);
      ctx.out.result(result, (r) => ctx.out.line(`imported ${r.prompts} prompts, ${r.outcome_rows} outcomes from ${r.lines} lines (${r.id})`));
    });

  router
    .command('outcomes')
    .description("the tenant's measured outcomes: counts by source, models, imports")
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const summary = await (await ctx.client()).router.outcomes.summary();
      ctx.out.result(summary, (s) => {
        ctx.out.line(`${s.prompts} prompts, ${s.outcome_rows} outcomes (${Object.entries(s.by_source).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}); models: ${s.models.join(', ') || '-'}`);
        ctx.out.table(['IMPORT', 'NAME', 'PROMPTS', 'OUTCOMES', 'CREATED'], s.imports.map((i) => [i.id, i.name, String(i.prompts), String(i.outcome_rows), i.created_at]));
      });
    });

  router
    .command('train')
    .description("train a logistic router on the tenant's stored outcomes (registered as a candidate)")
    .option('--name <version>', 'the version name (default logistic-<time>-s<seed>)')
    .option('--seed <n>', 'seed of the split and the training', '1')
    .option('--target-quality <ratio>', "derive the threshold for this share of the strong model's quality (default 0.95)")
    .option('--cost-budget <share>', "or for at most this share of always-strong's cost")
    .action(async (options: { name?: string; seed: string; targetQuality?: string; costBudget?: string }, command: Command) => {
      const ctx = contextOf(command);
      const seed = Number(options.seed);
      if (!Number.isInteger(seed) || seed < 0) throw usageError('--seed must be a non-negative integer');
      const body = {
        seed,
        ...(options.name && { version: options.name }),
        ...(options.targetQuality && { target_quality_ratio: Number(options.targetQuality) }),
        ...(options.costBudget && { cost_budget: Number(options.costBudget) }),
      };
      const v = await (await ctx.client()).router.train(body, { ...NO_RETRY, timeout: 10 * 60_000 });
      ctx.out.result(v, (r) => ctx.out.line(`trained ${r.version} (${r.status}): held-out AUROC ${num(r.metrics.auroc)}, quality ${num(r.metrics.quality_ratio)} vs random at the same cost ${num(r.metrics.random_same_cost_quality_ratio)}, cost ${pct(r.metrics.cost_reduction)} lower`));
    });

  router
    .command('register')
    .description('register a router `npm run router:train` wrote on the server (by version)')
    .argument('<version>')
    .action(async (version: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const v = await (await ctx.client()).router.versions.register(version);
      ctx.out.result(v, (r) => ctx.out.line(`registered ${r.version} (${r.kind}, ${r.status})`));
    });

  router
    .command('versions')
    .description("the tenant's router versions with their held-out figures")
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const list = await (await ctx.client()).router.versions.list();
      ctx.out.result(list, (l) =>
        ctx.out.table(
          ['VERSION', 'KIND', 'STATUS', 'AUROC', 'QUALITY', 'RANDOM', 'COST CUT', 'PROMOTED BY'],
          l.data.map((v) => [v.version, v.kind, v.status, num(v.metrics.auroc), num(v.metrics.quality_ratio), num(v.metrics.random_same_cost_quality_ratio), pct(v.metrics.cost_reduction), v.promoted_by ?? '-']),
        ),
      );
    });

  router
    .command('promote')
    .description("make a version the tenant's active router (approver or admin key)")
    .argument('<version>')
    .action(async (version: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const v = await (await ctx.client()).router.versions.promote(version);
      ctx.out.result(v, (r) => ctx.out.line(`${r.version} is active (promoted by ${r.promoted_by})`));
    });
}
