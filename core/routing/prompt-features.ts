import { fnv1a } from './seeded-random.ts';

/**
 * Cheap features of a prompt for the trained classifier: hashed word unigrams and bigrams
 * (signed feature hashing, log counts, L2-normalised) plus a few dense shape signals. Costs tens
 * of microseconds, so the classifier decides well inside the 2 ms budget without an embedding.
 */
export const HASH_BITS = 15;
export const HASH_SIZE = 1 << HASH_BITS;
/** Dense signals after the hashed block: see `shapeSignals`. */
export const SHAPE_SIGNALS = ['log_chars', 'log_lines', 'digit_share', 'code', 'math', 'options', 'question', 'non_latin'] as const;
export const FEATURE_SIZE = HASH_SIZE + SHAPE_SIGNALS.length;

/** A sparse vector: parallel index and value arrays. */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

/** Long prompts are read at their head and tail: the instruction and the actual question sit there. */
const HEAD = 1500;
const TAIL = 600;
export function clipPrompt(prompt: string): string {
  return prompt.length > HEAD + TAIL ? `${prompt.slice(0, HEAD)}\n${prompt.slice(-TAIL)}` : prompt;
}

const WORD = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

function shapeSignals(prompt: string): number[] {
  const chars = prompt.length;
  const lines = prompt.split('\n').length;
  let digits = 0;
  let nonLatin = 0;
  const scan = Math.min(chars, 4000);
  for (let i = 0; i < scan; i++) {
    const c = prompt.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c > 0x2e7f) nonLatin++;
  }
  return [
    Math.log1p(chars) / 10,
    Math.log1p(lines) / 5,
    digits / Math.max(1, scan),
    /```|\bdef |\bfunction\b|\breturn\b|[{};]\s*$/m.test(prompt) ? 1 : 0,
    /\$|\\frac|\d\s*[+\-*/^=]\s*\d/.test(prompt) ? 1 : 0,
    /(^|\n)\s*\(?[A-D][.)]\s/.test(prompt) ? 1 : 0,
    /\?\s*$/.test(prompt.trim()) ? 1 : 0,
    nonLatin / Math.max(1, scan),
  ];
}

// Reused between calls: a prompt's features are summed into it, then read out and cleared, so a
// decision allocates two small typed arrays and no map (keeps the p99 free of GC pauses).
const scratch = new Float32Array(HASH_SIZE);
const touched = new Int32Array(HASH_SIZE);

export function promptFeatures(prompt: string): SparseVector {
  const text = clipPrompt(prompt).toLowerCase();
  let n = 0;
  // Signed hashing: collisions cancel on average instead of piling up. Counts are summed first,
  // then damped (log1p of the absolute sum keeps the sign).
  const add = (h: number) => {
    const slot = h & (HASH_SIZE - 1);
    if (scratch[slot] === 0) touched[n++] = slot;
    scratch[slot] = scratch[slot]! + (h & 0x80000000 ? -1 : 1);
  };
  let previous = 0;
  let first = true;
  for (const m of text.matchAll(WORD)) {
    const h = fnv1a(m[0]);
    add(h);
    if (!first) add(fnv1a(m[0], previous ^ 0x5bd1e995));
    previous = h;
    first = false;
  }
  let norm = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const v = scratch[touched[i]!]!;
    if (v !== 0) {
      const d = Math.sign(v) * Math.log1p(Math.abs(v));
      scratch[touched[i]!] = d;
      norm += d * d;
      kept++;
    }
  }
  norm = Math.sqrt(norm) || 1;
  const shape = shapeSignals(prompt);
  const index = new Int32Array(kept + shape.length);
  const value = new Float32Array(kept + shape.length);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const slot = touched[i]!;
    const v = scratch[slot]!;
    scratch[slot] = 0;
    if (v === 0) continue;
    index[j] = slot;
    value[j++] = v / norm;
  }
  shape.forEach((v, k) => {
    index[j] = HASH_SIZE + k;
    value[j++] = v;
  });
  return { index, value };
}
