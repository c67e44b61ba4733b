import {
  TemplateInvalidError,
  TemplateRenderError,
  TemplateUnsafeError,
  VariablesInvalidError,
  VariablesSchemaInvalidError,
} from '../core/prompts/template-errors.ts';
import { PromptConflictError, PromptNotFoundError } from '../stores/prompt-templates.ts';
import { ApiError } from './api-error.ts';

/**
 * The prompt engine's and store's errors in our error shape; anything else is returned as is.
 * Every problem list travels in `details`, so a caller can fix all of them at once.
 */
export function toPromptApiError(err: unknown): unknown {
  if (err instanceof VariablesInvalidError || err instanceof VariablesSchemaInvalidError || err instanceof TemplateInvalidError || err instanceof TemplateUnsafeError) {
    return new ApiError(400, 'invalid_request_error', err.code, err.message, err.problems);
  }
  if (err instanceof TemplateRenderError) return new ApiError(400, 'invalid_request_error', err.code, `The template could not be rendered: ${err.message}`, err.toDetail());
  if (err instanceof PromptNotFoundError) return new ApiError(404, 'not_found_error', err.code, err.message);
  if (err instanceof PromptConflictError) return new ApiError(409, 'conflict_error', err.code, err.message, err.details);
  return err;
}

/** Runs a route body, turning prompt errors into API errors. */
export async function withPromptErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toPromptApiError(err);
  }
}
