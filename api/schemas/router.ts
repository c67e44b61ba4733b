import { z } from 'zod';

/** Feedback on a run, as POST/GET /v1/runs/{runId}/feedback answer it. */
export const RunFeedbackSchema = z.object({
  object: z.literal('run_feedback'),
  id: z.string(),
  run_id: z.string(),
  /** Normalised to -1 (bad) … 1 (good). */
  rating: z.number().nullable(),
  rating_raw: z.number().nullable(),
  rating_scale: z.enum(['signed', 'five_point']).nullable(),
  corrected_output: z.string().nullable(),
  labels: z.array(z.string()),
  comment: z.string().nullable(),
  /** The key that sent it (never a request field). */
  author_key_id: z.string(),
  created_at: z.string().meta({ format: 'date-time' }),
});
export type RunFeedbackJson = z.infer<typeof RunFeedbackSchema>;

export const OutcomeImportSchema = z.object({
  object: z.literal('outcome_import'),
  id: z.string(),
  name: z.string(),
  lines: z.number().int(),
  prompts: z.number().int(),
  outcome_rows: z.number().int(),
  created_at: z.string().meta({ format: 'date-time' }),
});
export type OutcomeImportJson = z.infer<typeof OutcomeImportSchema>;

export const OutcomeSummarySchema = z.object({
  object: z.literal('outcome_summary'),
  prompts: z.number().int(),
  outcome_rows: z.number().int(),
  by_source: z.record(z.string(), z.number().int()),
  models: z.array(z.string()),
  imports: z.array(OutcomeImportSchema),
});
export type OutcomeSummaryJson = z.infer<typeof OutcomeSummarySchema>;

export const RouterVersionSchema = z.object({
  object: z.literal('router_version'),
  version: z.string(),
  kind: z.string(),
  status: z.enum(['candidate', 'active', 'retired']),
  metrics: z.record(z.string(), z.unknown()),
  trained_on: z.record(z.string(), z.unknown()),
  promoted_by: z.string().nullable(),
  promoted_at: z.string().nullable().meta({ format: 'date-time' }),
  created_at: z.string().meta({ format: 'date-time' }),
});
export type RouterVersionJson = z.infer<typeof RouterVersionSchema>;
