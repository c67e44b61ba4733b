/**
 * `somaagent secrets set|list|delete`: the tenant's secrets, which HTTP tools authenticate with.
 * `set` never takes the value as an argument (it would stay in the shell history and the process
 * list): it reads stdin with --stdin, or asks with hidden input on a terminal.
 */
import type { Command } from 'commander';
import { askSecret } from '../ask.ts';
import { contextOf } from '../context.ts';
import { usageError } from '../exit-codes.ts';
import { shortTime } from '../format.ts';
import { isInteractive } from '../terminal.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // `echo token | somaagent secrets set x --stdin` sends a trailing newline that is not part of it.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerSecrets(program: Command): void {
  const secrets = program.command('secrets').description("set, list and delete the tenant's secrets (values are write-only)");

  secrets
    .command('set')
    .description('create or replace a secret (admin keys only)')
    .argument('<name>', 'secret name, e.g. github.token')
    .option('--stdin', 'read the value from stdin')
    .action(async (name: string, options: { stdin?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      let value: string;
      if (options.stdin) value = await readStdin();
      else if (isInteractive()) value = await askSecret(`Value of ${name}`);
      else throw usageError('no value: pipe it in with --stdin', `printf %s "$TOKEN" | somaagent secrets set ${name} --stdin`);
      if (value === '') throw usageError('the value is empty');
      const secret = await (await ctx.client()).secrets.set(name, value);
      const { out } = ctx;
      out.result(secret, (s) => out.line(`${out.style.green('✓')} Secret ${out.style.bold(s.name)} set`));
    });

  secrets
    .command('list')
    .description('secret names and dates (never values)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).secrets.list();
      const { out } = ctx;
      out.result(body, (b) => {
        if (b.data.length === 0) return out.note('No secrets yet. Set one with `somaagent secrets set <name>`.');
        out.table(['NAME', 'CREATED', 'UPDATED'], b.data.map((s) => [s.name, shortTime(s.created_at), shortTime(s.updated_at)]));
      });
    });

  secrets
    .command('delete')
    .description('delete a secret')
    .argument('<name>', 'secret name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).secrets.delete(name);
      const { out } = ctx;
      out.result(body, (b) => out.line(`${out.style.green('✓')} Deleted secret ${out.style.bold(b.name)}`));
    });
}
