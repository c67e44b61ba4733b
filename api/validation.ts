import type { z } from 'zod';
import type { ValidationProblem } from '../core/errors/validation-problem.ts';
import { ApiError } from './api-error.ts';

export type { ValidationProblem } from '../core/errors/validation-problem.ts';

/** Parses input at the edge; every problem is reported at once so the caller can fix them all. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request body', extra: ValidationProblem[] = []): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success && extra.length === 0) return result.data;
  // Rules across fields (`extra`) are reported together with the schema's own problems.
  const problems: ValidationProblem[] = [
    ...(result.success
      ? []
      : result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), code: issue.code, message: issue.message }))),
    ...extra,
  ];
  const first = problems[0];
  const summary = first ? `${first.path || what}: ${first.message}` : 'invalid input';
  throw new ApiError(
    400,
    'invalid_request_error',
    'validation_failed',
    `The ${what} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}; first: ${summary}).`,
    problems,
  );
}
