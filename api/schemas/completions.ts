import { z } from 'zod';
import { PROVIDER_IDS } from '../../core/providers/provider-registry.ts';
import { SearchSourceSchema } from './search-source.ts';
import { ToolCallSchema } from './tool-calling.ts';

/**
 * The answer of POST /v1/completions (and a completion run's result). The route's serializer
 * (completionResponse) is typed by it, and the OpenAPI document's `Completion` is derived from it.
 */

// The registered providers (one adapter file each).
export const ProviderIdSchema = z.enum(PROVIDER_IDS);

export const RouteCandidateSchema = z.object({
  model: z.string(),
  /** At registry prices, for the request's estimated tokens. */
  estimated_cost_usd: z.number(),
});

export const RoutingDecisionSchema = z
  .object({
    policy: z.literal('auto'),
    estimator: z.string(),
    score: z.number(),
    tier: z.number().int(),
    /** Signal name -> its contribution to the score. */
    signals: z.record(z.string(), z.number()),
    chosen: RouteCandidateSchema,
    /** Tried in order when the chosen model fails retryably. */
    fallbacks: z.array(RouteCandidateSchema),
    reasons: z.array(z.string()),
    /** Present when a learned router decided: its version, P(cheaper model good enough), the threshold, and a shadow router's choice. */
    learned: z
      .object({
        version: z.string(),
        kind: z.string(),
        p_cheap: z.number(),
        threshold: z.number(),
        shadow: z.object({ version: z.string(), model: z.string(), p_cheap: z.number(), threshold: z.number() }).optional(),
      })
      .optional(),
  })
  .describe('The auto policy decision: score, tier, signals, chosen, fallbacks, reasons.');

export const AttemptRecordSchema = z.object({
  model: z.string(),
  provider: ProviderIdSchema,
  outcome: z.enum(['answered', 'failed', 'skipped']),
  /** Failure class (`server_error`, `circuit_open`, ...) when it did not answer. */
  error: z.string().nullable(),
  /** Temporal attempts spent on this model. */
  attempts: z.number().int(),
});

export const InjectedPassageSchema = z.object({ label: z.string(), id: z.string(), source: SearchSourceSchema });

export const PromptReferenceSchema = z
  .object({ name: z.string(), version: z.number().int(), label: z.string().nullable(), content_hash: z.string() })
  .describe('The template version the messages were rendered from.');

export const CompletionSchema = z.object({
  id: z.string().describe('The run id (a Temporal workflow id).'),
  object: z.literal('completion'),
  /** The registry id of the model that answered. */
  model: z.string(),
  requested_model: z.string().describe('What the request asked for: a model id, auto, or the first of models.'),
  provider: ProviderIdSchema,
  /** The provider's own name for the model. */
  provider_model: z.string(),
  text: z.string(),
  tool_calls: z.array(ToolCallSchema).optional().describe('The calls the model asked for (finish_reason tool_calls); answer each with a tool message in the next request.'),
  finish_reason: z.enum(['stop', 'length', 'content_filter', 'tool_calls', 'other']),
  usage: z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() }),
  simulated: z.boolean().describe('True when the provider emulator answered, not a real model.'),
  attempts: z.number().int().describe('Temporal attempts of the model that answered.'),
  latency_ms: z.number().int(),
  cost_usd: z.number().describe('At registry prices; 0 for unpriced models.'),
  fallback_depth: z.number().int().describe('Position in the fallback chain of the model that answered.'),
  attempt_history: z.array(AttemptRecordSchema),
  routing: RoutingDecisionSchema.optional(),
  policy: z.string().optional().describe('The model policy used (named in the request, or the tenant default).'),
  conversation: z.string().optional().describe('The conversation this completion continued (its turn and answer were added to it).'),
  memory: z.object({ injected: z.array(InjectedPassageSchema) }).optional().describe('With memory in the request: the passages put in front of the model.'),
  budget_downgrade: z
    .object({ from: z.string(), budget_id: z.string() })
    .optional()
    .describe('Present when a downgrade budget replaced the requested model.'),
  prompt: PromptReferenceSchema.optional(),
});

export type CompletionJson = z.infer<typeof CompletionSchema>;
