import { createHash } from 'node:crypto';

/**
 * Sticky assignment: the variant is a pure function of (experiment, subject), so the same subject
 * gets the same variant in every process and on every call, with no shared state. SHA-256 of
 * `experimentId NUL subjectId` gives a uniform point in [0, 1) (the first 53 bits), laid over
 * the variants' cumulative weights. Any language can reproduce it.
 */
export function assignVariant<V extends { name: string; weight: number }>(experimentId: string, subjectId: string, variants: readonly V[]): V {
  const digest = createHash('sha256').update(`${experimentId}\u0000${subjectId}`).digest();
  const point = Number(digest.readBigUInt64BE(0) >> 11n) / 2 ** 53;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let remaining = point * total;
  for (const variant of variants) {
    if (remaining < variant.weight) return variant;
    remaining -= variant.weight;
  }
  return variants[variants.length - 1]!;
}
