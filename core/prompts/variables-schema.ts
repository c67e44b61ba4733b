/**
 * The variables of a template version, declared as JSON Schema. Tenants write these schemas, so
 * only a subset is accepted (checked with zod before Ajv compiles anything): types, enums,
 * defaults, string lengths, number ranges, list sizes, nested objects. `pattern` and `format`
 * are left out on purpose: a tenant's regular expression could block the process.
 *
 * Validation reports every problem at once, with a path, a code and a message; unexpected
 * top-level variables are always an error; defaults are filled in.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { IDENTIFIER, isForbiddenName, TEMPLATE_GLOBALS } from './template-names.ts';
import { VariablesInvalidError, VariablesSchemaInvalidError, type VariableProblem } from './template-errors.ts';

const TYPE_NAMES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'] as const;
type TypeName = (typeof TYPE_NAMES)[number];
type JsonPrimitive = string | number | boolean | null;

/** Names a template can never use as variables: the engine's and Nunjucks' own. */
const RESERVED = new Set<string>([...TEMPLATE_GLOBALS, 'loop', 'caller', 'super']);

export const VariableNameSchema = z
  .string()
  .regex(IDENTIFIER, 'a variable name is letters, digits and _ (not starting with a digit)')
  .max(64)
  .refine((name) => !isForbiddenName(name) && !RESERVED.has(name), 'this name is reserved');

/** One property of the schema (recursive for lists and objects). */
export interface VariableSchema {
  type?: TypeName | TypeName[];
  title?: string;
  description?: string;
  enum?: JsonPrimitive[];
  default?: unknown;
  examples?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: VariableSchema;
  properties?: Record<string, VariableSchema>;
  required?: string[];
  additionalProperties?: boolean;
}

const count = () => z.number().int().min(0).max(10_000_000).optional();
const primitive = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const FieldNameSchema = z.string().min(1).max(200).refine((name) => !isForbiddenName(name), 'this property name is reserved');

export const VariableSchemaSchema: z.ZodType<VariableSchema> = z
  .object({
    type: z.union([z.enum(TYPE_NAMES), z.array(z.enum(TYPE_NAMES)).min(1).max(7)]).optional(),
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    enum: z.array(primitive).min(1).max(1000).optional(),
    default: z.json().optional(),
    examples: z.array(z.json()).max(20).optional(),
    minLength: count(),
    maxLength: count(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    exclusiveMinimum: z.number().optional(),
    exclusiveMaximum: z.number().optional(),
    minItems: count(),
    maxItems: count(),
    uniqueItems: z.boolean().optional(),
    get items() {
      return VariableSchemaSchema.optional();
    },
    get properties() {
      return z.record(FieldNameSchema, VariableSchemaSchema).optional();
    },
    required: z.array(FieldNameSchema).max(200).optional(),
    additionalProperties: z.boolean().optional(),
  })
  .strict();

/** The whole variables schema of a version: an object whose properties are the variables. */
export const VariablesSchemaSchema = z
  .object({
    type: z.literal('object').optional(),
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    properties: z.record(VariableNameSchema, VariableSchemaSchema).default({}),
    required: z.array(VariableNameSchema).max(200).optional(),
    // Unexpected variables are always refused; saying so is allowed, saying otherwise is not.
    additionalProperties: z.literal(false).optional(),
  })
  .strict();

export type VariablesSchema = z.output<typeof VariablesSchemaSchema>;

const MAX_DEPTH = 8;

/** Problems zod cannot see: required names that are not properties, bad defaults, nesting depth. */
function semanticProblems(schema: VariablesSchema): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const visit = (node: VariableSchema, path: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      problems.push({ path, message: `schemas may nest at most ${MAX_DEPTH} levels` });
      return;
    }
    for (const name of node.required ?? []) {
      if (!node.properties?.[name]) problems.push({ path: path ? `${path}.required` : 'required', message: `"${name}" is required but not a property` });
    }
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const childPath = path ? `${path}.properties.${name}` : `properties.${name}`;
      if (child.default !== undefined) {
        const check = new Ajv({ allErrors: true, strict: false }).compile(child);
        if (!check(structuredClone(child.default))) problems.push({ path: `${childPath}.default`, message: `the default does not match the schema: ${check.errors?.[0]?.message ?? 'invalid'}` });
      }
      visit(child, childPath, depth + 1);
    }
    if (node.items) visit(node.items, path ? `${path}.items` : 'items', depth + 1);
  };
  visit(schema, '', 0);
  return problems;
}

/** Parses and checks a schema written by a tenant; throws VariablesSchemaInvalidError with every problem. */
export function parseVariablesSchema(input: unknown): VariablesSchema {
  const parsed = VariablesSchemaSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new VariablesSchemaInvalidError(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  const problems = semanticProblems(parsed.data);
  if (problems.length > 0) throw new VariablesSchemaInvalidError(problems);
  return parsed.data;
}

function pathOf(error: ErrorObject, leaf?: string): string {
  const parts = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (leaf !== undefined) parts.push(leaf);
  return parts.join('.');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function toProblem(error: ErrorObject): VariableProblem {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const name = String(params.missingProperty);
      return { path: pathOf(error, name), code: 'missing', message: `"${name}" is required` };
    }
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      return { path: pathOf(error, name), code: 'unexpected', message: `"${name}" is not a declared variable` };
    }
    case 'type':
      return { path: pathOf(error), code: 'wrong_type', message: `expected ${String(params.type).replace(/,/g, ' or ')}, got ${kindOf(error.data)}` };
    case 'enum':
      return { path: pathOf(error), code: 'not_allowed', message: `must be one of ${JSON.stringify(params.allowedValues)}` };
    case 'minLength':
      return { path: pathOf(error), code: 'too_short', message: `must have at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { path: pathOf(error), code: 'too_long', message: `must have at most ${String(params.limit)} characters` };
    case 'minimum':
    case 'exclusiveMinimum':
      return { path: pathOf(error), code: 'too_small', message: `must be ${String(params.comparison)} ${String(params.limit)}` };
    case 'maximum':
    case 'exclusiveMaximum':
      return { path: pathOf(error), code: 'too_large', message: `must be ${String(params.comparison)} ${String(params.limit)}` };
    case 'minItems':
      return { path: pathOf(error), code: 'too_few_items', message: `must have at least ${String(params.limit)} items` };
    case 'maxItems':
      return { path: pathOf(error), code: 'too_many_items', message: `must have at most ${String(params.limit)} items` };
    case 'uniqueItems':
      return { path: pathOf(error), code: 'duplicate_items', message: `items ${String(params.j)} and ${String(params.i)} are the same` };
    default:
      return { path: pathOf(error), code: 'invalid', message: error.message ?? 'invalid' };
  }
}

export type VariablesValidator = (variables: Record<string, unknown>) => Record<string, unknown>;

/**
 * A validator for one schema: returns the variables with defaults filled in (a copy), or throws
 * VariablesInvalidError listing every problem.
 */
export function compileVariablesValidator(schema: VariablesSchema): VariablesValidator {
  // A fresh Ajv per schema: Ajv caches every schema it compiles, and versions are unbounded.
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true, coerceTypes: false });
  const validate: ValidateFunction = ajv.compile({ ...schema, type: 'object', additionalProperties: false });
  return (variables) => {
    const copy = structuredClone(variables);
    if (validate(copy)) return copy;
    throw new VariablesInvalidError((validate.errors ?? []).map(toProblem));
  };
}

/** The top-level variable names a schema declares (what a template body may use). */
export function declaredVariables(schema: VariablesSchema): Set<string> {
  return new Set(Object.keys(schema.properties));
}
