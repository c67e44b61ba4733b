/**
 * Embedding-similarity grader: cosine similarity between the answer's and the reference's
 * vectors from the platform's embedder (the bundled local MiniLM model by default, so it runs
 * offline). The score is the similarity clamped to [0, 1]; passing means at or above the threshold.
 */
import type { Embedder } from '../embeddings/embedder.ts';
import { GRADER_TEXT_CAP, type Grader, type GradeResult } from './eval-types.ts';

export type SimilarityGrader = Extract<Grader, { type: 'embedding_similarity' }>;

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Grades a batch of (answer, reference) pairs with one embedding call. */
export async function gradeSimilarity(
  embedder: Embedder,
  grader: SimilarityGrader,
  pairs: ReadonlyArray<{ output: string; expected: string | undefined }>,
): Promise<GradeResult[]> {
  const name = grader.name ?? grader.type;
  const texts: string[] = [];
  for (const pair of pairs) {
    if (pair.expected !== undefined) texts.push(pair.output.slice(0, GRADER_TEXT_CAP), pair.expected.slice(0, GRADER_TEXT_CAP));
  }
  const vectors = await embedder.embed(texts);
  let next = 0;
  return pairs.map((pair) => {
    if (pair.expected === undefined) return { grader: name, type: grader.type, score: 0, passed: false, detail: 'case has no expected answer' };
    const similarity = cosineSimilarity(vectors[next] as Float32Array, vectors[next + 1] as Float32Array);
    next += 2;
    const score = Math.max(0, Math.min(1, similarity));
    return { grader: name, type: grader.type, score, passed: similarity >= grader.threshold, detail: `cosine ${similarity.toFixed(4)}` };
  });
}
