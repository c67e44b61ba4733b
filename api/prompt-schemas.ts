/**
 * Edge schemas of the prompt and experiment routes (and of a completion that names a template).
 * The OpenAPI document is generated from the same schemas.
 */
import { z } from 'zod';
import { exactlyOneContent, LabelSchema, TemplateNameSchema, versionFields } from '../core/prompts/template-definition.ts';
import { MAX_OUTCOME_MAGNITUDE } from '../core/experiments/outcome-range.ts';
import { pgInt, pgIntQuery } from '../platform/db/pg-int.ts';

const MAX_VARIABLES_DEPTH = 32;

/** Nesting depth of a JSON value, counted without recursion (a hostile body may nest deeply). */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_VARIABLES_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export const VariablesSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => jsonDepth(v) <= MAX_VARIABLES_DEPTH, `variables may nest at most ${MAX_VARIABLES_DEPTH} levels`)
  .describe('Values for the variables the version declares; validated against its JSON Schema.');

const selectorFields = {
  label: LabelSchema.optional().describe('Resolve this label (e.g. production, staging).'),
  version: pgInt().optional().describe('Use this version number.'),
};
const oneSelector: [(v: { label?: string | undefined; version?: number | undefined }) => boolean, { message: string; path: string[] }] = [
  (v) => v.label === undefined || v.version === undefined,
  { message: 'give "label" or "version", not both', path: ['version'] },
];

/** A template named in a completion request: which version, and the variables to render it with. */
export const TemplateReferenceSchema = z
  .object({ name: TemplateNameSchema, ...selectorFields, variables: VariablesSchema.default({}) })
  .strict()
  .refine(...oneSelector);

export const RenderRequestSchema = z
  .object({ ...selectorFields, variables: VariablesSchema.default({}) })
  .strict()
  .refine(...oneSelector);

export const CreateTemplateSchema = z
  .object({
    name: TemplateNameSchema,
    description: z.string().max(2000).default(''),
    labels: z.array(LabelSchema).max(20).default([]).describe('Labels to point at version 1.'),
    ...versionFields,
  })
  .strict()
  .refine(...exactlyOneContent);

export const CreateVersionSchema = z
  .object({
    ...versionFields,
    labels: z.array(LabelSchema).max(20).default([]).describe('Labels to move to the new version.'),
  })
  .strict()
  .refine(...exactlyOneContent);

export const MoveLabelSchema = z
  .object({
    version: pgInt(),
    expected_version: pgInt().nullable().optional().describe('Compare-and-set: move only if the label points here now (null: only if it does not exist).'),
    reason: z.string().max(1000).optional(),
  })
  .strict();

export const DeleteLabelQuerySchema = z.object({ reason: z.string().max(1000).optional() }).strict();

export const ListQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50), after: TemplateNameSchema.optional() })
  .strict();

export const VersionListQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: pgIntQuery().optional() })
  .strict();

export const DiffQuerySchema = z.object({ from: pgIntQuery(), to: pgIntQuery() }).strict();

export const HistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

const VARIANT_NAME = /^[a-z0-9][a-z0-9_-]{0,49}$/;
const seconds = (min: number, max: number, fallback: number) => z.number().min(min).max(max).default(fallback);
const DAY = 86_400;

export const CreateExperimentSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    template: TemplateNameSchema,
    variants: z
      .array(
        z
          .object({
            name: z.string().regex(VARIANT_NAME, 'lowercase letters, digits, "_" and "-" (at most 50)'),
            version: pgInt(),
            model: z.string().min(1).max(200).optional().describe('A model for this variant; returned by assignments.'),
            weight: z.number().positive().max(1000).default(1),
          })
          .strict(),
      )
      .min(2)
      .max(10)
      .refine((vs) => new Set(vs.map((v) => v.name)).size === vs.length, 'variant names must be unique')
      .describe('The first variant is the control.'),
    metric: z.enum(['score', 'success']).describe('score: a number per subject (Welch t-test); success: a flag (two-proportion z-test).'),
    goal: z.enum(['maximize', 'minimize']).default('maximize'),
    confidence: z.number().min(0.5).max(0.999).default(0.95),
    min_samples_per_variant: z.number().int().min(2).max(10_000_000).default(100),
    max_duration_seconds: seconds(0.1, 365 * DAY, 14 * DAY),
    check_interval_seconds: seconds(0.1, DAY, 60),
    guardrail: z
      .object({ alpha: z.number().gt(0).max(0.5).default(0.01), min_samples_per_variant: z.number().int().min(2).max(10_000_000).default(30) })
      .strict()
      .nullable()
      .default({ alpha: 0.01, min_samples_per_variant: 30 })
      .describe('Stop early when a treatment is worse than the control at this significance; null turns it off.'),
    approval_timeout_seconds: seconds(0.1, 90 * DAY, 7 * DAY),
    promote_label: LabelSchema.default('production'),
  })
  .strict();

export const AssignmentSchema = z
  .object({
    subject_id: z.string().min(1).max(200).describe('Who is exposed (a user, a session): the same subject always gets the same variant.'),
    variables: VariablesSchema.optional().describe('When given, the variant is rendered with them.'),
  })
  .strict();

export const OutcomeSchema = z
  .object({
    subject_id: z.string().min(1).max(200),
    value: z
      .number()
      .finite()
      .min(-MAX_OUTCOME_MAGNITUDE)
      .max(MAX_OUTCOME_MAGNITUDE)
      .optional()
      .describe(`For a score metric: a finite number within ±${MAX_OUTCOME_MAGNITUDE.toExponential()}.`),
    success: z.boolean().optional().describe('For a success metric.'),
  })
  .strict()
  .refine((o) => (o.value === undefined) !== (o.success === undefined), { message: 'give exactly one of "value" and "success"', path: ['value'] });

export const ApprovalSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    variant: z.string().regex(VARIANT_NAME).optional().describe('Promote this variant instead of the recommended one.'),
    comment: z.string().max(2000).optional(),
  })
  .strict();

export const ExperimentListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();
