import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bm25Parameters } from '../../core/memory/bm25.ts';

/** Pinned, from PyPI: bm25s and the Snowball stemmer it is run with. */
const PACKAGES = ['bm25s==0.3.16', 'pystemmer==3.1.0'];

/** A venv under .soma/venvs with the reference packages, made on first use. */
function referencePython(root: string): string {
  const venv = join(root, '.soma', 'venvs', 'bm25-reference');
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) {
    process.stderr.write(`creating ${venv} (${PACKAGES.join(', ')}) ...\n`);
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', ...PACKAGES], { stdio: 'inherit' });
  }
  return python;
}

/**
 * Ranks the given chunks for each query with bm25s (Lucene's BM25; the same k1 and b), through
 * load/eval/reference-bm25.py. bm25s leaves out BM25's constant (k1 + 1) factor, as Lucene 8+
 * does: its scores are ours divided by k1 + 1, its ranking the same.
 */
export async function referenceBm25(
  root: string,
  chunks: Array<{ id: string; text: string }>,
  queries: Array<{ _id: string; text: string }>,
  depth: number,
  parameters: Bm25Parameters,
): Promise<Map<string, Array<[string, number]>>> {
  const python = referencePython(root);
  const work = join(root, '.soma', 'eval', 'reference');
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'chunks.jsonl'), chunks.map((c) => JSON.stringify(c)).join('\n'));
  writeFileSync(join(work, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n'));
  const output = execFileSync(python, [join(root, 'load', 'eval', 'reference-bm25.py'), join(work, 'chunks.jsonl'), join(work, 'queries.jsonl'), String(depth), String(parameters.k1), String(parameters.b)], {
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const runs = new Map<string, Array<[string, number]>>();
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { query_id: string; hits: Array<[string, number]> };
    runs.set(row.query_id, row.hits);
  }
  return runs;
}
