import { z } from 'zod';
import type { ProviderId } from '../providers/provider.ts';

/**
 * The shape of a provider id. Which ids exist is the provider registry's to say, but the registry
 * loads the vendors' SDKs and this schema must stay pure (stores parse rows with it): the API
 * checks ids against the registry where models are written (PUT /v1/admin/models), and routing
 * treats a stored row whose provider this build lacks as not configured.
 */
const ProviderIdSchema = z.custom<ProviderId>((v) => typeof v === 'string' && /^[a-z][a-z0-9-]{0,39}$/.test(v), 'a provider id');

/** One catalogue entry; the seed file, the database rows and admin edits all parse through this. */
export const ModelSpecSchema = z
  .object({
    /** What callers put in `model`, e.g. `gpt-4o-mini` or `local/llama3.2`. */
    id: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:/-]+$/),
    provider: ProviderIdSchema,
    /** The name the provider's API expects. */
    providerModel: z.string().min(1).max(200),
    contextWindow: z.number().int().positive(),
    maxOutputTokens: z.number().int().positive(),
    capabilities: z
      .object({ tools: z.boolean(), vision: z.boolean(), jsonMode: z.boolean(), streaming: z.boolean() })
      .strict(),
    pricing: z.object({ inputPerMTok: z.number().min(0), outputPerMTok: z.number().min(0) }).strict(),
    /** 1 simple … 4 frontier reasoning: the hardest task class the model handles well. */
    tier: z.number().int().min(1).max(4),
    /** A 0–1 prior of answer quality, compared against a caller's quality floor. */
    quality: z.number().min(0).max(1),
    typicalLatencyMs: z.number().int().positive(),
    enabled: z.boolean().default(true),
  })
  .strict();

export type ModelSpec = z.infer<typeof ModelSpecSchema>;
export type Capability = keyof ModelSpec['capabilities'];

export const CatalogueSchema = z
  .object({ version: z.number().int().positive(), updated: z.string(), notes: z.string().optional(), models: z.array(ModelSpecSchema).min(1) })
  .strict();

export type Catalogue = z.infer<typeof CatalogueSchema>;

/** Cost in USD of a call with these token counts. */
export function costUsd(model: Pick<ModelSpec, 'pricing'>, inputTokens: number, outputTokens: number): number {
  return (inputTokens * model.pricing.inputPerMTok + outputTokens * model.pricing.outputPerMTok) / 1_000_000;
}
