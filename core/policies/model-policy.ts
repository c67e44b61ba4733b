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
     * Deprecated (auto only): 0 always takes the cheapest adequate model; other values are
     * ignored (routing weighs quality against the cost ratio, see route-decision.ts).
     */
    upgrade_allowance_usd: z.number().min(0).max(10).optional(),
    /**
     * Auto only: decide with a learned router of the tenant, by version or `active` (the
     * promoted one); the decision records the version. Without an active one, the heuristic decides.
     */
    learned_router: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/).optional(),
    /** Auto only, with learned_router: also run this router version and record what it would have chosen (shadow mode). */
    shadow_router: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/).optional(),
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
