/**
 * `somaagent deploy`: pushes a project's prompt templates, model policies and capsule. Shows
 * the plan first, then applies it (after a confirmation on a terminal, unless --yes).
 * Deploying the same project twice changes nothing the second time.
 */
import type { Command } from 'commander';
import { askConfirm } from '../ask.ts';
import { contextOf } from '../context.ts';
import { CliError, EXIT, usageError } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { planDeploy, type PlannedChange } from '../project/deploy-plan.ts';
import { loadProject } from '../project/load-project.ts';
import { isInteractive } from '../terminal.ts';

const SYMBOL: Record<PlannedChange['action'], string> = { create: '+', update: '~', unchanged: '=', conflict: '!' };

function printPlan(out: Output, changes: PlannedChange[]): void {
  const color = (c: PlannedChange, text: string) =>
    c.action === 'create' ? out.style.green(text) : c.action === 'update' ? out.style.yellow(text) : c.action === 'conflict' ? out.style.red(text) : out.style.dim(text);
  const width = Math.max(...changes.map((c) => c.name.length));
  for (const c of changes) {
    out.line(`  ${color(c, `${SYMBOL[c.action]} ${c.kind.padEnd(7)} ${c.name.padEnd(width)}  ${c.action === 'update' ? 'change' : c.action}`)}  ${out.style.dim(c.detail)}`);
  }
}

function counts(changes: PlannedChange[]) {
  const count = (action: PlannedChange['action']) => changes.filter((c) => c.action === action).length;
  return { create: count('create'), update: count('update'), unchanged: count('unchanged'), conflict: count('conflict') };
}

const planJson = (changes: PlannedChange[]) => changes.map(({ kind, name, action, detail }) => ({ kind, name, action, detail }));

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description("push the project's prompt templates, model policies and capsule to the server")
    .argument('[dir]', 'project directory (with somaagent.json)', '.')
    .option('--dry-run', 'show the plan and stop')
    .option('-y, --yes', 'apply without asking')
    .action(async (dir: string, options: { dryRun?: boolean; yes?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      const project = await loadProject(dir);
      const client = await ctx.client();
      const { profile } = await ctx.credentials();

      const spinner = out.spinner(`Comparing ${project.manifest.name} with ${client.baseURL} …`);
      const changes = await planDeploy(client, project).finally(() => spinner.stop());
      const n = counts(changes);
      const pending = changes.filter((c) => c.apply);
      const summary = { project: project.manifest.name, dir: project.dir, base_url: client.baseURL, profile, dry_run: options.dryRun === true, changes: planJson(changes), counts: n };

      if (!out.json) {
        out.line(`Plan for ${out.style.bold(project.manifest.name)} → ${client.baseURL} (profile ${profile}):`);
        if (changes.length === 0) out.line(out.style.dim('  (the project declares no prompts, policies or capsule)'));
        else printPlan(out, changes);
        out.line(`${n.create} to create, ${n.update} to change, ${n.unchanged} unchanged${n.conflict ? `, ${n.conflict} in conflict` : ''}.`);
      }
      if (n.conflict > 0) {
        if (out.json) out.data({ ...summary, applied: false });
        throw new CliError('the plan has conflicts; nothing was changed', EXIT.failure, changes.find((c) => c.action === 'conflict')!.detail);
      }
      if (pending.length === 0) {
        out.result({ ...summary, applied: false, results: [] }, () => out.line(out.style.green('No changes.')));
        return;
      }
      if (options.dryRun) {
        out.result({ ...summary, applied: false, results: [] }, () => out.note('Dry run: nothing was changed.'));
        return;
      }
      if (!options.yes) {
        if (!isInteractive() || out.json) throw usageError('deploy needs --yes when it cannot ask (not a terminal, or --json)', 'Review the plan with --dry-run, then run again with --yes.');
        if (!(await askConfirm(`Apply ${pending.length} change${pending.length === 1 ? '' : 's'}?`))) {
          out.note('Nothing was changed.');
          return;
        }
      }

      const results: Array<{ kind: string; name: string; result: string }> = [];
      for (const change of pending) {
        const applying = out.spinner(`${change.kind} ${change.name} …`);
        const result = await change.apply!().finally(() => applying.stop());
        results.push({ kind: change.kind, name: change.name, result });
        if (!out.json) out.line(`${out.style.green('✓')} ${change.kind} ${change.name}: ${result}`);
      }
      out.result({ ...summary, applied: true, results }, () => out.line(out.style.green(`Deployed ${project.manifest.name}: ${results.length} change${results.length === 1 ? '' : 's'} applied.`)));
    });
}
