/**
 * One problem with a caller's input. Domain rules that span several fields (e.g. "at most one
 * of model, models and policy") report these, and the API reports them together with the
 * schema's own problems, so the caller can fix them all at once.
 */
export interface ValidationProblem {
  /** JSON path of the offending field, e.g. `messages.0.role`; empty for the body itself. */
  path: string;
  code: string;
  message: string;
}
