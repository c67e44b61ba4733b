import { z } from 'zod';

/**
 * Which recorded completions a dataset build takes. Every filter narrows; none is required
 * beyond the tenant (which comes from the caller's key, never from this object). A run's
 * feedback decides both selection (rating, labels) and the target: its latest corrected output,
 * when there is one, replaces what the model answered.
 */
export const RecordedSelectionSchema = z
  .object({
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
    models: z.array(z.string().min(1).max(200)).max(50).optional(),
    prompt_template: z.string().min(1).max(200).optional(),
    prompt_version: z.number().int().min(1).max(999_999_999).optional(),
    conversation_id: z.string().min(1).max(200).optional(),
    /** -1..1 (feedback ratings are stored normalised); runs without a rating are left out when set. */
    min_rating: z.number().min(-1).max(1).optional(),
    /** Runs whose feedback carries at least one of these labels. */
    labels: z.array(z.string().regex(/^[\w:.-]{1,64}$/)).max(32).optional(),
    only_corrected: z.boolean().optional(),
    limit: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export type RecordedSelection = z.infer<typeof RecordedSelectionSchema>;
