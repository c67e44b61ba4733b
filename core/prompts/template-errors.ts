/**
 * The errors of the prompt engine. Each carries a stable `code` (the API's error code) and
 * machine-readable specifics, so a caller can act on every problem at once. All are the
 * caller's to fix (invalid requests), which is how the API answers them.
 */
import { InvalidRequestError } from '../errors/domain-error.ts';

/** One problem found in a template's source, with its place when known (1-based). */
export interface TemplateProblem {
  code: string;
  message: string;
  line?: number;
  column?: number;
  /** The template the problem is in, when it is not the one being saved or rendered (an include). */
  template?: string;
}

/** One problem with the variables given to a render. */
export interface VariableProblem {
  /** Dotted path of the variable, e.g. `user.name` or `documents.2.title`. */
  path: string;
  code: 'missing' | 'unexpected' | 'wrong_type' | 'not_allowed' | 'too_short' | 'too_long' | 'too_small' | 'too_large' | 'too_few_items' | 'too_many_items' | 'duplicate_items' | 'invalid';
  message: string;
}

export type RenderFailureReason =
  | 'undefined_value'
  | 'timeout'
  | 'too_many_steps'
  | 'output_too_large'
  | 'value_too_large'
  | 'include_not_found'
  | 'include_cycle'
  | 'include_not_text'
  | 'error';

/** The source does not parse, or names variables, filters or templates it may not. */
export class TemplateInvalidError extends InvalidRequestError {
  override readonly name = 'TemplateInvalidError';
  constructor(readonly problems: TemplateProblem[]) {
    super('template_invalid', `The template is invalid: ${describe(problems)}`, problems);
  }
}

/**
 * The template reaches for something outside the sandbox (constructors, prototypes, functions
 * that are not macros). Found statically when the source names it, at render time otherwise;
 * either way nothing outside the template runs.
 */
export class TemplateUnsafeError extends InvalidRequestError {
  override readonly name = 'TemplateUnsafeError';
  constructor(readonly problems: TemplateProblem[]) {
    super('template_unsafe', `The template was refused by the sandbox: ${describe(problems)}`, problems);
  }
}

/** Rendering failed: an undefined value was output, a limit was hit, an include is missing. */
export class TemplateRenderError extends InvalidRequestError {
  override readonly name = 'TemplateRenderError';
  line?: number;
  column?: number;
  template?: string;
  constructor(readonly reason: RenderFailureReason, message: string, where: { line?: number; column?: number; template?: string } = {}) {
    super('template_render_failed', message);
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
    if (where.template !== undefined) this.template = where.template;
  }

  /** The machine-readable form served in the error body's `details`. */
  toDetail(): Record<string, unknown> {
    return { reason: this.reason, message: this.message, line: this.line ?? null, column: this.column ?? null, template: this.template ?? null };
  }

  // Read when the error is answered, since the sandbox fills in the place after construction.
  override get details(): unknown {
    return this.toDetail();
  }

  override get publicMessage(): string {
    return `The template could not be rendered: ${this.message}`;
  }
}

/** The variables do not match the version's JSON Schema; every problem is listed. */
export class VariablesInvalidError extends InvalidRequestError {
  override readonly name = 'VariablesInvalidError';
  constructor(readonly problems: VariableProblem[]) {
    super('variables_invalid', `The variables are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`, problems);
  }
}

/** The variables schema itself is not one we accept (see variables-schema.ts). */
export class VariablesSchemaInvalidError extends InvalidRequestError {
  override readonly name = 'VariablesSchemaInvalidError';
  constructor(readonly problems: Array<{ path: string; message: string }>) {
    super('variables_schema_invalid', `The variables schema is invalid: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`, problems);
  }
}

function describe(problems: TemplateProblem[]): string {
  const shown = problems.slice(0, 3).map((p) => `${p.line ? `line ${p.line}${p.column ? `:${p.column}` : ''}: ` : ''}${p.message}`);
  return shown.join('; ') + (problems.length > 3 ? ` (and ${problems.length - 3} more)` : '');
}
