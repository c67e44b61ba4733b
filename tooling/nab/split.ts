// The seeded, category-stratified split of NAB used to choose the detector's one parameter set
// on half of the files and report it on the other half. Also the seeded PRNG of the random
// baseline. Changing the seed or the rule invalidates the held-out figures: don't.
import type { NabSeries } from './corpus.ts';

const SPLIT_SEED = 20261203;

/** mulberry32: a small seeded PRNG so the split and the random baseline are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Half the files of each NAB category go to "tune", the rest to "holdout" (seeded shuffle). */
export function splitCorpus(corpus: readonly NabSeries[], seed = SPLIT_SEED): { tune: NabSeries[]; holdout: NabSeries[] } {
  const random = rng(seed);
  const byCategory = new Map<string, NabSeries[]>();
  for (const s of corpus) {
    const cat = s.name.split('/')[0]!;
    byCategory.set(cat, [...(byCategory.get(cat) ?? []), s]);
  }
  const tune: NabSeries[] = [];
  const holdout: NabSeries[] = [];
  for (const cat of [...byCategory.keys()].sort()) {
    const files = byCategory.get(cat)!.map((s) => ({ s, k: random() })).sort((a, b) => a.k - b.k).map((x) => x.s);
    files.forEach((s, i) => (i % 2 === 0 ? tune : holdout).push(s));
  }
  return { tune, holdout };
}

