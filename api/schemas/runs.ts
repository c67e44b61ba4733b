import { z } from 'zod';

export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out', 'continued_as_new', 'unknown'] as const;

/** A durable run (a Temporal workflow execution), as GET /v1/runs/{id} and the 202 answers show it. */
export const RunSchema = z.object({
  /** The Temporal workflow id. */
  id: z.string(),
  object: z.literal('run'),
  /** `completion`, `prompt_experiment`, `ingestion`, `rag`, ... */
  kind: z.string(),
  status: z.enum(RUN_STATUSES),
  model: z.string().nullable().optional(),
  created_at: z.string().meta({ format: 'date-time' }),
  closed_at: z.string().nullable().optional().meta({ format: 'date-time' }),
  /** Once completed: the body its own endpoint answers with (a completion for a completion run). */
  result: z.unknown().optional(),
  /** Once failed, cancelled or terminated: why (null when no reason is known). */
  error: z.object({ type: z.string(), code: z.string(), message: z.string() }).nullable().optional(),
});

export type RunJson = z.infer<typeof RunSchema>;
