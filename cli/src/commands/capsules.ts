/**
 * `somaagent capsules list|show|install|installed|publish`: versioned bundles of prompts, a
 * model policy, the tools they need and evaluation cases. `publish` bundles the project's
 * prompt files into the manifest; publishing the same version with the same content again
 * changes nothing.
 */
import type { Command } from 'commander';
import { NO_RETRY } from '../api.ts';
import { contextOf } from '../context.ts';
import { usageError } from '../exit-codes.ts';
import { shortTime } from '../format.ts';
import { capsuleManifest } from '../project/capsule-manifest.ts';
import { loadProject } from '../project/load-project.ts';
import { capsuleState, conflictError, publishCapsule } from '../project/publish-capsule.ts';

/** `name` or `name@1.2.0`. */
function parseRef(ref: string): { name: string; version?: string } {
  const [name, version] = ref.split('@', 2) as [string, string | undefined];
  if (!name) throw usageError(`"${ref}" is not a capsule (name or name@version)`);
  return version ? { name, version } : { name };
}

export function registerCapsules(program: Command): void {
  const capsules = program.command('capsules').description('list, inspect, install and publish capsules');

  capsules
    .command('list')
    .description('the published capsules')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).capsules.list();
      const { out } = ctx;
      out.result(body, (b) => {
        if (b.data.length === 0) return out.note('No capsules yet. Publish one with `somaagent capsules publish`.');
        out.table(['NAME', 'LATEST', 'VERSIONS', 'DESCRIPTION'], b.data.map((c) => [c.name, c.latest_version, String(c.versions.length), c.description]));
      });
    });

  capsules
    .command('show')
    .description("a capsule and its versions, or one version's manifest (name@version)")
    .argument('<name[@version]>', 'capsule')
    .action(async (ref: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const { name, version } = parseRef(ref);
      const client = await ctx.client();
      const { out } = ctx;
      if (version) {
        const manifest = await client.capsules.versions.get(name, version);
        out.result(manifest, (m) => {
          out.line(`${out.style.bold(`${m.name}@${m.version}`)}  ${m.description}`);
          out.line(`  prompts         ${m.prompts.map((p) => p.name).join(', ') || '-'}`);
          out.line(`  model policy    ${m.model_policy.model ?? m.model_policy.models?.join(' → ') ?? '-'}`);
          out.line(`  required tools  ${m.required_tools.join(', ') || '-'}`);
          out.line(`  evaluation      ${m.evaluation.cases.length} case(s)`);
          out.line(`  published       ${shortTime(m.created_at)}  ${out.style.dim(m.content_hash)}`);
        });
        return;
      }
      const capsule = await client.capsules.get(name);
      out.result(capsule, (c) => {
        out.line(`${out.style.bold(c.name)}  ${c.description}`);
        out.line(`  latest    ${c.latest_version}`);
        out.line(`  versions  ${c.versions.join(', ')}`);
      });
    });

  capsules
    .command('install')
    .description('install a capsule into this tenant: its prompt templates and its model policy')
    .argument('<name[@version]>', 'capsule (default version: the newest)')
    .action(async (ref: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const { name, version } = parseRef(ref);
      const spinner = ctx.out.spinner(`Installing ${ref} …`);
      const body = await (await ctx.client()).capsules.install(name, version ? { version } : {}, NO_RETRY).finally(() => spinner.stop());
      const { out } = ctx;
      out.result(body, (b) => {
        out.line(`${out.style.green('✓')} Installed ${out.style.bold(`${b.name}@${b.version}`)}`);
        out.line(`  prompts  ${b.prompts.map((p) => `${p.name}@${p.version}${p.created ? '' : ' (unchanged)'}`).join(', ') || '-'}`);
        out.line(`  policy   ${b.policy}`);
        if (b.required_tools.length) out.line(`  tools    ${b.required_tools.join(', ')} ${out.style.dim('(provide these to the agent)')}`);
      });
    });

  capsules
    .command('installed')
    .description('the capsules installed in this tenant')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).capsules.listInstalled();
      const { out } = ctx;
      out.result(body, (b) => {
        if (b.data.length === 0) return out.note('No capsules installed.');
        out.table(['NAME', 'VERSION', 'INSTALLED'], b.data.map((i) => [i.name, i.version, shortTime(i.installed_at)]));
      });
    });

  capsules
    .command('publish')
    .description('publish the project\'s capsule (the "capsule" of somaagent.json), bundling its prompt files')
    .argument('[dir]', 'project directory', '.')
    .option('--dry-run', 'print the manifest that would be sent, and stop')
    .action(async (dir: string, options: { dryRun?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      const project = await loadProject(dir);
      const manifest = capsuleManifest(project);
      if (!manifest) throw usageError(`${project.dir}/somaagent.json declares no "capsule"`);
      if (options.dryRun) {
        out.data(manifest);
        return;
      }
      const client = await ctx.client();
      const ref = `${manifest.name}@${manifest.version}`;
      const spinner = out.spinner(`Publishing ${ref} …`);
      const result = await (async () => {
        const where = await capsuleState(client, manifest);
        if (where.state === 'conflict') throw conflictError(manifest);
        if (where.state === 'published') return { published: false, version: await client.capsules.versions.get(manifest.name, manifest.version) };
        return { published: true, version: await publishCapsule(client, manifest) };
      })().finally(() => spinner.stop());
      out.result({ ...result.version, published: result.published }, () =>
        out.line(
          result.published
            ? `${out.style.green('✓')} Published ${out.style.bold(ref)} (${manifest.prompts?.length ?? 0} prompts).`
            : `${ref} is already published with this content: nothing changed.`,
        ),
      );
    });
}
