/**
 * Deterministic test vectors for the vector benchmarks: unit vectors drawn around a fixed set of
 * Gaussian cluster centers, so a search has real neighbours to find (uniform random vectors in
 * high dimension are all about equally far apart, which flatters or ruins an ANN index at random).
 * The same seed gives the same data on every machine, so runs can be compared.
 */

/** sfc32: small, fast, good enough for test data; one stream per purpose so sizes share queries. */
export function sfc32(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** Standard normal draws (Box-Muller, both outputs used). */
export function gaussian(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = uniform();
    while (u === 0) u = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

export function normalize(v: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

/** pgvector's text form (`[0.123456,...]`, 6 decimals), for bulk inserts that send vectors as text. */
export function vectorText(v: Float64Array): string {
  const parts = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) parts[i] = v[i]!.toFixed(6);
  return `[${parts.join(',')}]`;
}

export interface ClusteredVectorSpec {
  seed: number;
  clusters: number;
  dimension: number;
  /** Standard deviation added per dimension around a center. */
  noise: number;
}

export interface ClusteredVectors {
  /** Independent stream `n` of unit vectors: a random cluster's center plus N(0, noise^2) per dimension. */
  stream(n: number): () => Float64Array;
  /** `count` vectors of stream `n` as plain arrays (queries, warm-up). */
  sample(n: number, count: number): number[][];
}

export function clusteredVectors({ seed, clusters, dimension, noise }: ClusteredVectorSpec): ClusteredVectors {
  const centerDraw = gaussian(sfc32(seed));
  const centers = Array.from({ length: clusters }, () => normalize(Float64Array.from({ length: dimension }, centerDraw)));
  const stream = (n: number) => {
    const uniform = sfc32(seed * 7919 + n);
    const draw = gaussian(uniform);
    return () => {
      const center = centers[Math.floor(uniform() * clusters)]!;
      const v = new Float64Array(dimension);
      for (let i = 0; i < dimension; i++) v[i] = center[i]! + noise * draw();
      return normalize(v);
    };
  };
  return {
    stream,
    sample(n, count) {
      const next = stream(n);
      return Array.from({ length: count }, () => Array.from(next()));
    },
  };
}
