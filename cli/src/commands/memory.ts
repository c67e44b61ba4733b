/** `somaagent memory ingest|progress|search`: documents into memory, with a progress bar, and search over them. */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import type { Ingestion, SearchMode } from '@somaagent/sdk';
import { contextOf, type Context } from '../context.ts';
import { positiveInt } from '../format.ts';

const CLEAR_LINE = '\r\x1b[K';
const MAX_DOCUMENTS = 500;
const MIME: Record<string, 'text/markdown' | 'text/html' | 'text/plain'> = { '.md': 'text/markdown', '.markdown': 'text/markdown', '.html': 'text/html', '.htm': 'text/html' };

function duration(seconds: number | null): string {
  if (seconds === null) return '--';
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.round(seconds)}s`;
}

/** One line: bar, percent, documents, chunks, rate, ETA. */
export function progressBar(i: Ingestion, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, i.progress)) * width);
  const rate = i.chunks_per_second === null ? '' : `  ${i.chunks_per_second.toFixed(1)} chunks/s`;
  const eta = i.status === 'running' ? `  ETA ${duration(i.eta_seconds)}` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(i.progress * 100).toFixed(0).padStart(3)}%  docs ${i.done}/${i.total}  chunks ${i.chunks_embedded}/${i.chunks_total}${rate}${eta}`;
}

/**
 * Polls the ingestion until it ends, drawing the bar on stderr: redrawn in place on a terminal,
 * a line per change otherwise (logs, CI). Stdout stays for the result.
 */
async function follow(ctx: Context, id: string, intervalMs: number): Promise<Ingestion> {
  const client = await ctx.client();
  const tty = !ctx.out.json && process.stderr.isTTY === true;
  let last = '';
  for (;;) {
    const ingestion = await client.memory.ingestions.get(id);
    const line = progressBar(ingestion);
    if (!ctx.out.json && line !== last) process.stderr.write(tty ? `${CLEAR_LINE}${line}` : `${line}\n`);
    last = line;
    if (ingestion.status !== 'running') {
      if (tty) process.stderr.write('\n');
      return ingestion;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function summary(ctx: Context, i: Ingestion): void {
  const { out } = ctx;
  out.result(i, (r) => {
    const counts = new Map<string, number>();
    for (const d of r.documents) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
    out.line(`${r.id}: ${r.status}, ${[...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ')}; ${r.chunks_embedded} chunks in ${duration(r.elapsed_seconds)}`);
    for (const d of r.documents.filter((x) => x.status === 'failed')) out.line(out.style.red(`  ${d.source}: ${d.error ?? 'failed'}`));
  });
}

export function registerMemory(program: Command): void {
  const memory = program.command('memory').description('ingest documents into memory (with progress) and search them');

  memory
    .command('ingest')
    .description('ingest files (text, markdown, HTML) into a collection and show the progress until done')
    .argument('<files...>', `files to ingest (at most ${MAX_DOCUMENTS}); each file's path names its document`)
    .option('-c, --collection <name>', 'collection', 'default')
    .option('--no-follow', 'print the ingestion id and return at once')
    .option('--interval <ms>', 'how often to poll the progress', positiveInt, 500)
    .action(async (files: string[], options: { collection: string; follow: boolean; interval: number }, command: Command) => {
      const ctx = contextOf(command);
      if (files.length > MAX_DOCUMENTS) throw new Error(`at most ${MAX_DOCUMENTS} files per ingestion (got ${files.length}); split them into several runs`);
      const documents = await Promise.all(
        files.map(async (file) => ({ source: file, text: await readFile(file, 'utf8'), mime: MIME[extname(file).toLowerCase()] ?? ('text/plain' as const), title: basename(file) })),
      );
      const client = await ctx.client();
      const run = await client.memory.documents.ingest({ collection: options.collection, documents });
      if (!options.follow) {
        ctx.out.result(run, (r) => ctx.out.line(r.id));
        return;
      }
      summary(ctx, await follow(ctx, run.id, options.interval));
    });

  memory
    .command('progress')
    .description("an ingestion's progress: documents and chunks done, rate and ETA")
    .argument('<id>', 'ingestion id (ingest-...)')
    .option('-w, --watch', 'follow it with a progress bar until it ends')
    .option('--interval <ms>', 'how often to poll with --watch', positiveInt, 500)
    .action(async (id: string, options: { watch?: boolean; interval: number }, command: Command) => {
      const ctx = contextOf(command);
      if (options.watch) {
        summary(ctx, await follow(ctx, id, options.interval));
        return;
      }
      const ingestion = await (await ctx.client()).memory.ingestions.get(id);
      ctx.out.result(ingestion, (i) => ctx.out.line(`${i.status.padEnd(9)} ${progressBar(i)}`));
    });

  memory
    .command('search')
    .description('search documents and conversations: hybrid (default), dense or keyword (BM25)')
    .argument('<query>', 'what to look for')
    .option('-k <n>', 'results (1-100)', positiveInt, 5)
    .option('-m, --mode <mode>', 'hybrid, dense or keyword', 'hybrid')
    .option('-c, --collection <name...>', 'only these collections')
    .action(async (query: string, options: { k: number; mode: string; collection?: string[] }, command: Command) => {
      const ctx = contextOf(command);
      if (!['hybrid', 'dense', 'keyword'].includes(options.mode)) throw new Error(`--mode must be hybrid, dense or keyword (got ${options.mode})`);
      const results = await (await ctx.client()).memory.search({ query, k: options.k, mode: options.mode as SearchMode, ...(options.collection && { collections: options.collection }) });
      const { out } = ctx;
      out.result(results, (r) => {
        if (r.data.length === 0) return out.note('Nothing found.');
        for (const hit of r.data) {
          const where = hit.source.type === 'document' ? `${hit.source.source}${hit.source.heading_path ? ` > ${hit.source.heading_path}` : ''}` : `${hit.source.conversation_id} #${hit.source.seq}`;
          out.line(`${out.style.dim(hit.score.toFixed(4))} ${where}`);
          out.line(`  ${hit.text.replace(/\s+/g, ' ').slice(0, 160)}`);
        }
      });
    });
}
