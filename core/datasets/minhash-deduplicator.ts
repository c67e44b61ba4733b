/**
 * Near-duplicate detection by MinHash over word 3-shingles with LSH banding.
 *
 * Why MinHash and not embedding similarity: it needs no model, is deterministic, and runs at
 * hundreds of thousands of rows a second in one process, which the dataset benchmark requires;
 * it catches the near-duplicates that matter for training data (the same answer with a changed
 * name, number or whitespace), while embedding similarity would also merge paraphrases, which
 * are useful training variety.
 *
 * Threshold: two examples are near-duplicates when their estimated Jaccard similarity of word
 * 3-shingles is ≥ 0.8 (NEAR_DUPLICATE_THRESHOLD). 128 hash functions in 16 bands of 8 rows give
 * a candidate probability of 1-(1-s^8)^16: 0.95 at s=0.8, 0.99 at s=0.85, 0.06 at s=0.5, and
 * every candidate is confirmed against the full signature, so a false candidate costs time, not
 * rows. A bucket keeps at most BUCKET_CAP members: templated traffic (the same answer with other
 * numbers) otherwise fills one bucket with thousands of rows and makes each lookup linear; a
 * near-duplicate of a row that missed a full bucket still meets it in one of the other bands.
 */
export const NEAR_DUPLICATE_THRESHOLD = 0.8;
const HASHES = 128;
const BANDS = 16;
const BUCKET_CAP = 8;
const ROWS_PER_BAND = HASHES / BANDS;
const SHINGLE = 3;

// Fixed seeds: the same input always gives the same signatures, so a rebuilt dataset is equal.
const SEEDS_A = new Uint32Array(HASHES);
const SEEDS_B = new Uint32Array(HASHES);
{
  let s = 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  for (let i = 0; i < HASHES; i++) {
    SEEDS_A[i] = next() | 1;
    SEEDS_B[i] = next();
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function shingleHashes(text: string): Uint32Array {
  const words = text.toLowerCase().split(/\W+/).filter(Boolean);
  if (words.length < SHINGLE) return Uint32Array.of(fnv1a(words.join(' ')));
  const out = new Uint32Array(words.length - SHINGLE + 1);
  for (let i = 0; i < out.length; i++) out[i] = fnv1a(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}

export function minhashSignature(text: string): Uint32Array {
  const shingles = shingleHashes(text);
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (let k = 0; k < HASHES; k++) {
    const a = SEEDS_A[k]!;
    const b = SEEDS_B[k]!;
    let min = 0xffffffff;
    for (let j = 0; j < shingles.length; j++) {
      // A 32-bit universal-style hash permutation: multiply-xor-shift, cheap and well mixed.
      let h = Math.imul(shingles[j]! ^ b, a);
      h ^= h >>> 15;
      h >>>= 0;
      if (h < min) min = h;
    }
    sig[k] = min;
  }
  return sig;
}

export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

export interface NearDuplicateIndex {
  /** True when an earlier text was a near-duplicate; otherwise the text is kept and indexed. */
  seenSimilar(text: string): boolean;
}

export function createNearDuplicateIndex(threshold = NEAR_DUPLICATE_THRESHOLD): NearDuplicateIndex {
  // One map per band keyed by a 32-bit hash of the band's rows (a collision only adds a
  // candidate, which the full-signature check then rejects).
  const buckets = Array.from({ length: BANDS }, () => new Map<number, number[]>());
  const signatures: Uint32Array[] = [];
  const keys = new Uint32Array(BANDS);
  return {
    seenSimilar(text) {
      const sig = minhashSignature(text);
      const checked = new Set<number>();
      for (let band = 0; band < BANDS; band++) {
        let key = 0x811c9dc5;
        for (let r = 0; r < ROWS_PER_BAND; r++) key = Math.imul(key ^ sig[band * ROWS_PER_BAND + r]!, 0x01000193);
        keys[band] = key >>> 0;
        for (const other of buckets[band]!.get(keys[band]!) ?? []) {
          if (checked.has(other)) continue;
          checked.add(other);
          if (estimatedJaccard(sig, signatures[other]!) >= threshold) return true;
        }
      }
      const id = signatures.length;
      signatures.push(sig);
      for (let band = 0; band < BANDS; band++) {
        const list = buckets[band]!.get(keys[band]!);
        if (!list) buckets[band]!.set(keys[band]!, [id]);
        else if (list.length < BUCKET_CAP) list.push(id);
      }
      return false;
    },
  };
}
