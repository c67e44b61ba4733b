import { z } from 'zod';
import { pgInt } from '../../platform/db/pg-int.ts';

/** Routing constraints as the API spells them (snake_case). */
export const RoutingOptionsSchema = z
  .object({
    quality_floor: z.number().min(0).max(1).optional(),
    latency_ceiling_ms: pgInt().optional(),
    requires: z.array(z.enum(['tools', 'vision', 'json_mode', 'streaming'])).max(4).optional(),
    /** Fallbacks to chain after the chosen model (auto only). */
    fallbacks: z.number().int().min(0).max(4).optional(),
    /**
     * Headroom (auto only): take a model one tier up when it costs at most this many USD more
     * for the request (default 0.005; 0 always takes the cheapest adequate model).
     */
    upgrade_allowance_usd: z.number().min(0).max(10).optional(),
  })
  .strict();

export type RoutingOptions = z.infer<typeof RoutingOptionsSchema>;

const ModelIdSchema = z.string().min(1).max(200);

/**
 * A named model policy: one model, a fallback chain, or `auto` with constraints, plus default
 * parameters a request may override. Tenants keep several; capsules carry one.
 */
export const ModelPolicyFields = z
  .object({
    model: ModelIdSchema.optional().describe('A model id, or "auto" for cost-aware routing.'),
    models: z.array(ModelIdSchema).min(1).max(5).optional().describe('An explicit fallback chain.'),
    routing: RoutingOptionsSchema.optional(),
    parameters: z
      .object({
        max_tokens: z.number().int().min(1).max(1_000_000).optional(),
        temperature: z.number().min(0).max(2).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Exactly one of `model` and `models`: for refining schemas built on ModelPolicyFields. */
export const oneModelChoice: [(p: { model?: string | undefined; models?: string[] | undefined }) => boolean, { message: string; path: string[] }] = [
  (p) => (p.model === undefined) !== (p.models === undefined),
  { message: 'give exactly one of "model" and "models"', path: ['model'] },
];

export const ModelPolicySpecSchema = ModelPolicyFields.refine(...oneModelChoice);

export type ModelPolicySpec = z.infer<typeof ModelPolicySpecSchema>;

export const POLICY_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
