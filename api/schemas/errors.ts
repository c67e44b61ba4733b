import { z } from 'zod';

/** The body of every error answer (api/middleware/error-handler.ts writes it). */
export const ErrorBodySchema = z.object({
  error: z.object({
    /** The class of error (`invalid_request_error`, `not_found_error`, ...). */
    type: z.string(),
    /** What exactly went wrong (`validation_failed`, `run_not_found`, ...). */
    code: z.string(),
    message: z.string(),
    request_id: z.string(),
    /** Per-field problems of a validation error, the provider's status, ... */
    details: z.unknown().optional(),
  }),
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
