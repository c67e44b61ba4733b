/**
 * `somaagent tools list|show|create|delete`: the tenant's tool registry. `create` reads a tool
 * spec from a JSON file (or `-` for stdin); writing a spec equal to the latest version changes
 * nothing. Writing needs an admin key.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ToolCreateParams } from '@somaagent/sdk';
import { contextOf } from '../context.ts';
import { usageError } from '../exit-codes.ts';
import { shortTime } from '../format.ts';

/** `name`, `name@3` (a version) or `name@prod` (a label). */
function parseRef(ref: string): { name: string; version?: number; label?: string } {
  const [name, suffix] = ref.split('@', 2) as [string, string | undefined];
  if (!name) throw usageError(`"${ref}" is not a tool (name, name@version or name@label)`);
  if (suffix === undefined) return { name };
  return /^[1-9][0-9]*$/.test(suffix) ? { name, version: Number(suffix) } : { name, label: suffix };
}

function readSpec(file: string): ToolCreateParams {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as ToolCreateParams;
  } catch {
    throw usageError(`${file} is not JSON`, 'a tool spec is a JSON object: { "name": ..., "kind": "http", "http": { "url": ... } }');
  }
}

export function registerTools(program: Command): void {
  const tools = program.command('tools').description("list, inspect, create and delete the tenant's tools");

  tools
    .command('list')
    .description('every tool (its latest version)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).tools.list();
      const { out } = ctx;
      out.result(body, (b) => {
        if (b.data.length === 0) return out.note('No tools yet. Create one with `somaagent tools create tool.json`.');
        out.table(
          ['NAME', 'VERSION', 'KIND', 'APPROVAL', 'TARGET'],
          b.data.map((t) => [t.name, String(t.version), t.kind, t.requires_approval ? 'required' : '-', t.http ? `${t.http.method} ${t.http.url}` : (t.builtin ?? '-')]),
        );
      });
    });

  tools
    .command('show')
    .description('one tool: the latest version, name@version or name@label')
    .argument('<name[@version|@label]>', 'tool')
    .action(async (ref: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const { name, ...selector } = parseRef(ref);
      const tool = await (await ctx.client()).tools.get(name, selector);
      const { out } = ctx;
      out.result(tool, (t) => {
        out.line(`${out.style.bold(`${t.name}@${t.version}`)}  ${t.description}`);
        out.line(`  kind       ${t.kind}${t.builtin ? ` (${t.builtin})` : ''}`);
        if (t.http) {
          out.line(`  request    ${t.http.method} ${t.http.url}`);
          out.line(`  auth       ${t.http.auth ? `${t.http.auth.type} from secret "${t.http.auth.secret}"` : '-'}`);
          out.line(`  hosts      ${(t.http.allowed_hosts ?? ['(the URL template\'s)']).join(', ')}${t.http.allow_private_network ? ' · private network allowed' : ''}`);
        }
        out.line(`  approval   ${t.requires_approval ? 'required' : 'not required'}`);
        out.line(`  time-out   ${t.timeout_ms} ms`);
        out.line(`  labels     ${t.labels.join(', ') || '-'}`);
        out.line(`  created    ${shortTime(t.created_at)}${t.source ? `  from ${t.source}` : ''}`);
      });
    });

  tools
    .command('create')
    .description('create a tool, or a new version of it, from a JSON spec')
    .argument('<file>', 'the spec as JSON (- for stdin)')
    .action(async (file: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const tool = await (await ctx.client()).tools.create(readSpec(file));
      const { out } = ctx;
      out.result(tool, (t) => out.line(`${out.style.green('✓')} ${out.style.bold(`${t.name}@${t.version}`)} (${t.kind})`));
    });

  tools
    .command('delete')
    .description('delete a tool with every version and label')
    .argument('<name>', 'tool')
    .action(async (name: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).tools.delete(name);
      const { out } = ctx;
      out.result(body, (b) => out.line(`${out.style.green('✓')} Deleted tool ${out.style.bold(b.name)}`));
    });
}
