import { z } from 'zod';
import { knnRouter, type KnnModel } from './knn-router.ts';
import type { LearnedRouter } from './learned-router.ts';
import { logisticRouter, type LogisticModel } from './logistic-router.ts';

/**
 * A trained router as written by `npm run router:train` (under `.soma/routers/<version>/` or an
 * operator's path, never in git: a kNN artefact holds its training prompts' embeddings and every
 * artefact is derived from outcome data the project does not redistribute).
 */
export const ROUTER_ARTEFACT_FORMAT = 'soma-router/1';
export const ROUTER_VERSION = /^[a-z0-9][a-z0-9._-]{0,62}$/;

const Float32Base64 = z.string().transform((s) => {
  const bytes = Buffer.from(s, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
});
const toBase64 = (a: Float32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

const Platt = z.object({ a: z.number(), b: z.number() });

const LogisticModelJson = z.object({ kind: z.literal('logistic'), weights: Float32Base64, bias: z.number(), embeddingDimension: z.number().int().min(0), platt: Platt });
const KnnModelJson = z.object({
  kind: z.literal('knn'),
  dimension: z.number().int().positive(),
  embeddings: Float32Base64,
  labels: z.string().transform((s) => new Uint8Array(Buffer.from(s, 'base64'))),
  k: z.number().int().positive(),
  temperature: z.number().positive(),
  prior: z.number(),
  priorWeight: z.number().min(0),
  platt: Platt,
});

export const RouterArtefactSchema = z.object({
  format: z.literal(ROUTER_ARTEFACT_FORMAT),
  version: z.string().regex(ROUTER_VERSION),
  created_at: z.string(),
  seed: z.number().int(),
  /** The embedding model a kNN router's vectors (and a logistic router's embedding weights) come from. */
  embedder: z.string().nullable(),
  threshold: z.object({ value: z.number(), target: z.record(z.string(), z.number()), derived_on: z.string() }),
  trained_on: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
  model: z.discriminatedUnion('kind', [LogisticModelJson, KnnModelJson]),
});

export type RouterArtefact = z.infer<typeof RouterArtefactSchema>;
export type RouterArtefactHeader = Omit<RouterArtefact, 'model'>;

export function serializeArtefact(header: RouterArtefactHeader, model: LogisticModel | KnnModel): string {
  const m =
    model.kind === 'logistic'
      ? { ...model, weights: toBase64(model.weights) }
      : { ...model, embeddings: toBase64(model.embeddings), labels: toBase64(model.labels) };
  return JSON.stringify({ ...header, model: m });
}

export function parseArtefact(json: string): RouterArtefact {
  return RouterArtefactSchema.parse(JSON.parse(json));
}

export function routerFromArtefact(artefact: RouterArtefact): LearnedRouter {
  return artefact.model.kind === 'logistic' ? logisticRouter(artefact.model) : knnRouter(artefact.model);
}
