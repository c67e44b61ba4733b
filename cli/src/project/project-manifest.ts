/**
 * `somaagent.json`, the project manifest: the prompt template files to deploy, the model
 * policies (by name), and the capsule the project publishes (its prompts, its model policy,
 * the tools it needs and its evaluation cases).
 */
import { z } from 'zod';

export const MANIFEST_FILE = 'somaagent.json';

/** Policy and capsule names (a capsule's name is also the policy its install creates). */
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const NAME_RULE = 'lowercase letters, digits, "-" and "_" (at most 63)';
const SEMVER = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export const PolicyNameSchema = z.string().regex(NAME, NAME_RULE);

/** A model policy as `PUT /v1/policies/{name}` takes it. */
export const PolicySpecSchema = z
  .object({
    model: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).min(1).optional(),
    routing: z
      .object({
        quality_floor: z.number().min(0).max(1).optional(),
        latency_ceiling_ms: z.number().int().positive().optional(),
        requires: z.array(z.string()).optional(),
        fallbacks: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    parameters: z
      .object({ max_tokens: z.number().int().positive().optional(), temperature: z.number().min(0).max(2).optional() })
      .strict()
      .optional(),
    /** The tenant's default policy (used by completions that name no model). */
    default: z.boolean().optional(),
  })
  .strict()
  .refine((p) => (p.model === undefined) !== (p.models === undefined), { message: 'give exactly one of "model" and "models"', path: ['model'] });

export type PolicySpec = z.infer<typeof PolicySpecSchema>;

const EvaluationCaseSchema = z
  .object({
    name: z.string().min(1),
    /** Variables to render the capsule's prompt with, or messages to send as they are. */
    variables: z.record(z.string(), z.unknown()).optional(),
    messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }).strict()).optional(),
    expect: z.object({ contains: z.array(z.string()).optional() }).strict(),
  })
  .strict();

export const CapsuleSpecSchema = z
  .object({
    name: z.string().regex(NAME, NAME_RULE),
    version: z.string().regex(SEMVER, 'a semantic version, e.g. 1.0.0 or 2.0.0-beta.1'),
    description: z.string().default(''),
    /** Names of the project's prompts to bundle (default: all of them). */
    prompts: z.array(z.string()).optional(),
    /** A policy of this project by name, or a policy written out. */
    model_policy: z.union([PolicyNameSchema, PolicySpecSchema]),
    required_tools: z.array(z.string().min(1)).default([]),
    evaluation: z.object({ cases: z.array(EvaluationCaseSchema).default([]) }).strict().default({ cases: [] }),
  })
  .strict();

export type CapsuleSpec = z.infer<typeof CapsuleSpecSchema>;

export const ProjectManifestSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(NAME, NAME_RULE),
    description: z.string().optional(),
    /** Prompt template files (Markdown with YAML front matter), relative to the manifest. */
    prompts: z.array(z.string().min(1)).default([]),
    policies: z.record(PolicyNameSchema, PolicySpecSchema).default({}),
    capsule: CapsuleSpecSchema.optional(),
  })
  .strict();

export type ProjectManifest = z.infer<typeof ProjectManifestSchema>;
