/**
 * Deterministic randomness for training and splits: the same seed gives the same router and the
 * same split on every machine (Math.random would make training irreproducible).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32 bits: stable across runs and platforms (feature hashing, split assignment). */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The key two records of the same question share within a data set (letters and digits of the
 * first and last 120, lower-cased): splits go by question, so a question asked twice never lands
 * on both sides. Both ends, because few-shot prompts share their first hundreds of characters
 * (the examples) and differ only in the question at the end.
 */
export function questionKey(prompt: string): string {
  const letters = prompt.toLowerCase().replace(/[^a-z0-9\u00c0-\uffff]+/g, '');
  return letters.length <= 240 ? letters : `${letters.slice(0, 120)}|${letters.slice(-120)}`;
}

export type SplitName = 'train' | 'calibration' | 'test';

/** Seeded split by question: `calibration` and `test` get these shares, `train` the rest. */
export function splitOf(prompt: string, seed: number, shares = { calibration: 0.15, test: 0.15 }): SplitName {
  const u = fnv1a(questionKey(prompt), (0x811c9dc5 ^ Math.imul(seed, 0x9e3779b1)) >>> 0) / 4294967296;
  if (u < shares.test) return 'test';
  if (u < shares.test + shares.calibration) return 'calibration';
  return 'train';
}
