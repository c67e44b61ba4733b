import { Router } from 'express';
import { z } from 'zod';
import type { Embedder } from '../../../core/embeddings/embedder.ts';
import { estimateTokens } from '../../../core/routing/complexity-estimator.ts';
import { ApiError } from '../../api-error.ts';
import { parseInput } from '../../validation.ts';

/** Texts per request, as OpenAI allows; each text is bounded by the body size limit. */
const MAX_INPUTS = 2048;

/** `POST /v1/embeddings` as OpenAI defines it, for text input (token-id arrays are refused by the schema). */
export const EmbeddingRequestSchema = z
  .object({
    input: z.union([z.string().min(1).max(1_000_000), z.array(z.string().min(1).max(1_000_000)).min(1).max(MAX_INPUTS)]),
    /** The platform's embedding model id (EMBEDDING_MODEL, e.g. `local/all-MiniLM-L6-v2`). */
    model: z.string().min(1).max(200),
    encoding_format: z.enum(['float', 'base64']).optional(),
    /** Only the model's own size: no model here can shorten its vectors. */
    dimensions: z.number().int().min(1).max(100_000).optional(),
    user: z.string().max(256).optional(),
  })
  .strict();

/** OpenAI's base64 format: the float32 values' little-endian bytes (what its SDKs decode). */
function base64Of(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

/**
 * Embeddings through the platform's own embedder — the one memory indexes with, so a client's
 * vectors are comparable with the platform's. Not a workflow run: an embedding call has no side
 * effect to make durable and the model runs in this process (or behind the outbound client), so a
 * run would only add a round trip; a failed call is simply repeated by the client.
 */
export function embeddingsRouter(deps: { embedder: Embedder }): Router {
  const router = Router();
  router.post('/v1/embeddings', async (req, res) => {
    const body = parseInput(EmbeddingRequestSchema, req.body);
    const { embedder } = deps;
    if (body.model !== embedder.id) {
      throw new ApiError(404, 'not_found_error', 'model_not_found', `No embedding model "${body.model}": this platform embeds with "${embedder.id}".`);
    }
    if (body.dimensions !== undefined && body.dimensions !== embedder.dimension) {
      throw new ApiError(400, 'invalid_request_error', 'dimensions_not_supported', `"${embedder.id}" makes vectors of ${embedder.dimension} dimensions only.`, [{ path: 'dimensions', code: 'dimensions_not_supported', message: `Send ${embedder.dimension} or leave it out.` }]);
    }
    const texts = typeof body.input === 'string' ? [body.input] : body.input;
    const controller = new AbortController();
    // A client that goes away stops the work between batches.
    res.on('close', () => controller.abort());
    const vectors = await embedder.embed(texts, { signal: controller.signal });
    const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
    res.json({
      object: 'list',
      data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: body.encoding_format === 'base64' ? base64Of(vector) : Array.from(vector) })),
      model: embedder.id,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  });
  return router;
}
