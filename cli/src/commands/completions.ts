/**
 * `somaagent completions create`: one chat completion, streamed to the terminal by default.
 * The message comes from the arguments or stdin; a template (`--template name[@label|@version]`
 * with `--var`) can replace it.
 */
import type { Command } from 'commander';
import type { ChatMessage, Completion, CompletionCreateParamsNonStreaming, CompletionStreamParams, TemplateReference } from '@somaagent/sdk';
import { APIError } from '../api.ts';
import { completionSummary, printCompletionStream } from '../completion-printer.ts';
import { contextOf } from '../context.ts';
import { CliError, EXIT, usageError } from '../exit-codes.ts';
import { finiteNumber, positiveInt } from '../format.ts';

interface CreateOptions {
  model?: string;
  policy?: string;
  template?: string;
  var: string[];
  system?: string;
  maxTokens?: number;
  temperature?: number;
  stream: boolean;
}

/** `k=v` is a string; `k:=v` is JSON (numbers, booleans, arrays), as in HTTPie. */
function parseVar(entry: string, into: Record<string, unknown>): void {
  const json = /^([^=:]+):=([\s\S]*)$/.exec(entry);
  if (json) {
    try {
      into[json[1]!.trim()] = JSON.parse(json[2]!) as unknown;
    } catch {
      throw usageError(`--var ${entry}: the value after ":=" is not JSON`);
    }
    return;
  }
  const text = /^([^=]+)=([\s\S]*)$/.exec(entry);
  if (!text) throw usageError(`--var ${entry}: expected name=value (or name:=json)`);
  into[text[1]!.trim()] = text[2]!;
}

/** `name`, `name@production` (a label) or `name@3` (a version). */
function templateReference(spec: string, vars: string[]): TemplateReference {
  const [name, selector] = spec.split('@', 2) as [string, string | undefined];
  const variables: Record<string, unknown> = {};
  for (const entry of vars) parseVar(entry, variables);
  if (selector === undefined || selector === '') return { name, variables };
  return /^[0-9]+$/.test(selector) ? { name, version: Number(selector), variables } : { name, label: selector, variables };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function registerCompletions(program: Command): void {
  const completions = program.command('completions').description('create chat completions');

  completions
    .command('create')
    .description('one completion, streamed to the terminal (the message from the arguments or stdin)')
    .argument('[message...]', 'the user message (default: stdin when it is not a terminal)')
    .option('-m, --model <id>', 'a model id, or "auto" for cost-aware routing (default: the tenant\'s default policy)')
    .option('--policy <name>', 'a model policy (PUT /v1/policies) instead of --model')
    .option('-t, --template <name[@label|@version]>', 'render a prompt template instead of sending a message')
    .option('--var <name=value>', 'a template variable (repeatable; name:=json for non-strings)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('-s, --system <text>', 'a system message before the user message')
    .option('--max-tokens <n>', 'limit the answer length', positiveInt)
    .option('--temperature <t>', 'sampling temperature (0-2)', finiteNumber)
    .option('--no-stream', 'wait for the whole answer instead of streaming it')
    .action(async (words: string[], options: CreateOptions, command: Command) => {
      const ctx = contextOf(command);
      const { out } = ctx;
      if (options.model && options.policy) throw usageError('give --model or --policy, not both');
      if (options.var.length > 0 && !options.template) throw usageError('--var needs --template');

      let message = words.join(' ').trim();
      if (!message && !options.template && !process.stdin.isTTY) message = await readStdin();
      if (options.template && message) throw usageError('give a message or --template, not both');
      if (!options.template && !message) throw usageError('no message', 'Pass it as an argument, pipe it on stdin, or use --template.');

      const messages: ChatMessage[] = [...(options.system ? [{ role: 'system' as const, content: options.system }] : []), { role: 'user' as const, content: message }];
      const body = {
        ...(options.policy ? { policy: options.policy } : options.model ? { model: options.model } : {}),
        ...(options.template ? { template: templateReference(options.template, options.var) } : { messages }),
        ...(options.maxTokens !== undefined && { max_tokens: options.maxTokens }),
        ...(options.temperature !== undefined && { temperature: options.temperature }),
      } as CompletionStreamParams;

      const client = await ctx.client();
      const spinner = out.spinner(`Starting the run (${options.policy ? `policy ${options.policy}` : (options.model ?? 'default policy')}) …`);
      let completion: Completion;
      try {
        if (options.stream) {
          const stream = await client.completions.stream(body);
          completion = await printCompletionStream(stream, out, spinner);
        } else {
          completion = await client.completions.create(body as CompletionCreateParamsNonStreaming, { timeout: 600_000 });
          spinner.stop();
          if (!out.json) out.line(completion.text);
        }
      } catch (err) {
        spinner.stop();
        if (err instanceof APIError && err.code === 'model_required') {
          throw new CliError('no model: this tenant has no default model policy', EXIT.usage, 'Pass --model (e.g. --model auto) or --policy, or make a policy the default (PUT /v1/policies/{name} with "default": true).');
        }
        throw err;
      }
      if (out.json) out.data(completion);
      else out.note(completionSummary(completion));
    });
}
