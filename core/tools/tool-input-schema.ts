/**
 * A tool's input JSON Schema: checked once when the tool is written (a valid JSON Schema that
 * Ajv compiles), and used on every call to check the model's arguments before anything runs.
 * `pattern` and `patternProperties` are refused: a tenant's regular expression, run by the
 * worker on model output, could block the process (ReDoS). `format` is not enforced.
 */
import { Ajv, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, useDefaults: true });

export interface SchemaProblem {
  path: string;
  message: string;
}

const REFUSED_KEYWORDS = new Set(['pattern', 'patternProperties', '$ref', '$dynamicRef']);

function refusedKeyword(value: unknown, path: string): SchemaProblem | undefined {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = refusedKeyword(v, `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, v] of Object.entries(value)) {
    // Inside `properties` the keys are property names, which may be called anything.
    if (REFUSED_KEYWORDS.has(key) && !path.endsWith('/properties')) return { path: `${path}/${key}`, message: `"${key}" is not supported in tool input schemas` };
    const found = refusedKeyword(v, `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

/** Every problem that keeps `schema` from being a tool's input schema; empty when it is one. */
export function inputSchemaProblems(schema: Record<string, unknown>): SchemaProblem[] {
  const refused = refusedKeyword(schema, '');
  if (refused) return [refused];
  if (!ajv.validateSchema(schema)) {
    return (ajv.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
  }
  try {
    ajv.compile(schema);
  } catch (err) {
    return [{ path: '/', message: err instanceof Error ? err.message : String(err) }];
  }
  return [];
}

const compiled = new Map<string, ValidateFunction>();
const MAX_CACHED = 500;

/** A validator for `schema`, compiled once per distinct schema in this process. */
function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/** Checks (and fills defaults into) `args`; returns the problems, empty when they fit. */
export function argumentProblems(schema: Record<string, unknown>, args: Record<string, unknown>): SchemaProblem[] {
  const validate = validatorFor(schema);
  if (validate(args)) return [];
  return (validate.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
}
