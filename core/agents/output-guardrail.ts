/**
 * The output guardrail: an agent's final answer must be JSON valid against its output schema.
 * Checked once when the definition is written (the schema compiles), and on every final answer
 * (in an activity: Ajv is not workflow code). `pattern`-like keywords are refused for the same
 * reason as in tool input schemas: a tenant's regular expression would run on model output.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { InvalidRequestError } from '../errors/domain-error.ts';
import { LruCache } from '../prompts/lru-cache.ts';

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const REFUSED = new Set(['pattern', 'patternProperties', '$ref', '$dynamicRef']);
const compiled = new LruCache<string, ValidateFunction>(1_000);

function refused(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) return value.map((v, i) => refused(v, `${path}/${i}`)).find((p) => p !== undefined);
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (REFUSED.has(key) && !path.endsWith('/properties')) return `${path}/${key}`;
    const found = refused(v, `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

/** Throws InvalidRequestError (400 `invalid_output_schema`) unless `schema` is a usable JSON Schema. */
export function checkOutputSchema(schema: Record<string, unknown>): void {
  const keyword = refused(schema, '');
  if (keyword) throw new InvalidRequestError('invalid_output_schema', `output_schema: "${keyword}" is not supported (regular expressions from a schema would run on model output).`);
  try {
    validatorFor(schema);
  } catch (err) {
    throw new InvalidRequestError('invalid_output_schema', `output_schema is not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  const validate = ajv.compile(schema);
  compiled.set(key, validate);
  return validate;
}

export type OutputCheck = { ok: true; parsed: unknown } | { ok: false; problems: string[] };

/** The final answer's text against the schema; a fenced ```json block is accepted too. */
export function checkOutput(schema: Record<string, unknown>, text: string): OutputCheck {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fenced ? fenced[1]! : text);
  } catch {
    return { ok: false, problems: ['the answer is not JSON'] };
  }
  const validate = validatorFor(schema);
  if (validate(parsed)) return { ok: true, parsed };
  return { ok: false, problems: (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`) };
}
