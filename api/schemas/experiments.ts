import { z } from 'zod';

/**
 * A prompt A/B experiment as the experiment endpoints answer it. experimentJson in
 * api/routes/experiments.ts is typed by it and the OpenAPI document derives its schema from it.
 */

const timestamp = () => z.string().meta({ format: 'date-time' });

export const ExperimentSchema = z.object({
  /** Also its workflow id. */
  id: z.string(),
  object: z.literal('experiment'),
  name: z.string(),
  template: z.string(),
  status: z.enum(['running', 'awaiting_approval', 'promoted', 'rejected', 'approval_timed_out', 'cancelled', 'failed']),
  /** The first variant is the control. */
  variants: z.array(z.object({ name: z.string(), version: z.number().int(), model: z.string().nullable(), weight: z.number() })),
  metric: z.enum(['score', 'success']),
  goal: z.enum(['maximize', 'minimize']),
  confidence: z.number(),
  min_samples_per_variant: z.number().int(),
  max_duration_seconds: z.number(),
  check_interval_seconds: z.number(),
  guardrail: z.object({ alpha: z.number(), min_samples_per_variant: z.number().int() }).nullable(),
  approval_timeout_seconds: z.number(),
  promote_label: z.string(),
  stop_reason: z.enum(['sample_size_reached', 'deadline', 'guardrail']).nullable(),
  recommendation: z
    .object({
      variant: z.string(),
      version: z.number().int(),
      reason: z.enum(['significant_improvement', 'no_significant_difference', 'guardrail', 'insufficient_data']),
    })
    .nullable(),
  decision: z
    .object({
      decision: z.enum(['approve', 'reject', 'timeout']),
      by: z.object({ key_id: z.string(), key_name: z.string().nullable() }).nullable(),
      comment: z.string().nullable(),
      variant: z.string().nullable(),
      label: z.string().nullable(),
      from_version: z.number().int().nullable(),
      to_version: z.number().int().nullable(),
    })
    .nullable()
    .describe('What was decided; `by` is the approving key as {key_id, key_name} (null on a time-out).'),
  created_at: timestamp(),
  updated_at: timestamp(),
});

export type ExperimentJson = z.infer<typeof ExperimentSchema>;

const nullableNumber = () => z.number().nullable();

/** GET /v1/experiments/{id}/results: the statistics as they stand. resultsJson is typed by it. */
export const ExperimentResultsSchema = z.object({
  object: z.literal('experiment_results'),
  experiment_id: z.string(),
  status: ExperimentSchema.shape.status,
  metric: ExperimentSchema.shape.metric,
  goal: ExperimentSchema.shape.goal,
  test: z.enum(['welch_t_test', 'two_proportion_z_test']),
  test_description: z.string(),
  confidence: z.number(),
  alpha: z.number(),
  adjusted_alpha: z.number().describe('alpha / (variants - 1): Bonferroni'),
  control: z.string(),
  variants: z.array(
    z.object({
      name: z.string(),
      version: z.number().int().nullable(),
      exposures: z.number().int(),
      outcomes: z.number().int(),
      mean: nullableNumber(),
      stddev: nullableNumber(),
      ci_low: nullableNumber(),
      ci_high: nullableNumber(),
      quarantined_outcomes: z.number().int().describe('Stored outcomes left out of the statistics (not finite, or beyond ±1e12).'),
    }),
  ),
  quarantined_outcomes: z
    .number()
    .int()
    .describe('Stored outcomes left out of the statistics: not finite, or beyond ±1e12 (recorded before the API refused them).'),
  comparisons: z
    .array(
      z.object({
        variant: z.string(),
        control: z.string(),
        difference: nullableNumber(),
        ci_low: nullableNumber(),
        ci_high: nullableNumber(),
        statistic: nullableNumber(),
        df: nullableNumber(),
        p_value: nullableNumber(),
        significant: z.boolean(),
        better: z.boolean().nullable().describe('Whether the variant beats the control in the goal direction (null when equal or unknown).'),
      }),
    )
    .describe('Each variant against the control.'),
  sample_size_reached: z.boolean(),
  guardrail_breach: z.object({ variant: z.string(), p_value: z.number() }).nullable(),
  recommendation: z.object({ variant: z.string(), reason: z.enum(['significant_improvement', 'no_significant_difference', 'guardrail', 'insufficient_data']) }),
});

export type ExperimentResultsJson = z.infer<typeof ExperimentResultsSchema>;
