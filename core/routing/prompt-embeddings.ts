import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Embedder } from '../embeddings/embedder.ts';

/**
 * The text of a prompt the router embeds: short prompts whole; long ones by their head and tail
 * (the instruction and the actual question; few-shot examples sit in between). MiniLM reads 254
 * tokens at most anyway, and shorter input keeps the decision's embedding fast.
 */
export function routingText(prompt: string): string {
  return prompt.length > 600 ? `${prompt.slice(0, 300)}\n…\n${prompt.slice(-300)}` : prompt;
}

const key = (embedderId: string, text: string) => createHash('sha256').update(embedderId).update('\0').update(text).digest('base64url').slice(0, 32);

/**
 * Embeds prompts for training and benchmarks through a local append-only cache file (one line per
 * vector: key, base64 float32), so a second run does not recompute thousands of vectors. The
 * cache holds vectors of the operator's prompts: it lives under the state directory, never in git.
 */
export async function embedPrompts(embedder: Embedder, prompts: readonly string[], cacheFile?: string, onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
  const cache = new Map<string, Float32Array>();
  if (cacheFile && existsSync(cacheFile)) {
    for (const line of readFileSync(cacheFile, 'utf8').split('\n')) {
      const tab = line.indexOf('\t');
      if (tab < 0) continue;
      const bytes = Buffer.from(line.slice(tab + 1), 'base64');
      cache.set(line.slice(0, tab), new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
    }
  }
  const texts = prompts.map(routingText);
  const keys = texts.map((t) => key(embedder.id, t));
  const missing = [...new Set(keys.filter((k) => !cache.has(k)))];
  const textOf = new Map(keys.map((k, i) => [k, texts[i]!]));
  if (cacheFile) mkdirSync(dirname(cacheFile), { recursive: true });
  const BATCH = 64;
  for (let i = 0; i < missing.length; i += BATCH) {
    const batch = missing.slice(i, i + BATCH);
    const vectors = await embedder.embed(batch.map((k) => textOf.get(k)!));
    const lines: string[] = [];
    batch.forEach((k, j) => {
      cache.set(k, vectors[j]!);
      lines.push(`${k}\t${Buffer.from(vectors[j]!.buffer, vectors[j]!.byteOffset, vectors[j]!.byteLength).toString('base64')}`);
    });
    if (cacheFile) appendFileSync(cacheFile, `${lines.join('\n')}\n`);
    onProgress?.(Math.min(i + BATCH, missing.length), missing.length);
  }
  return keys.map((k) => cache.get(k)!);
}
