/**
 * A tool as data: what a tenant writes to the registry (POST /v1/tools, a capsule's `tools`).
 * The single source of the shape: the API validates with it, the OpenAPI document derives from
 * it, the store keeps what it parsed. Pure (zod only), so workflows may read the types.
 *
 * An HTTP tool's target is fixed by its author: the URL template's scheme, host and port are
 * literal text, and arguments only ever fill path segments, query values, headers and the body.
 */
import { z } from 'zod';
import { BUILTIN_TOOLS } from './tool-activity-contract.ts';

/** The vendors' common rule for function names. */
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A secret's name: what a tool's auth refers to; never its value. */
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const LABEL = /^[a-z][a-z0-9_-]{0,31}$/;

export const TOOL_TIMEOUT_MS = { min: 100, max: 300_000, default: 30_000 } as const;
export const TOOL_RESPONSE_BYTES = { min: 1, max: 10 * 1024 * 1024, default: 1024 * 1024 } as const;

export const ToolNameSchema = z.string().regex(TOOL_NAME, 'a tool name is 1-64 letters, digits, "_" or "-"');
export const SecretNameSchema = z.string().regex(SECRET_NAME, 'a secret name is a letter then up to 63 letters, digits, "_", "." or "-"');
export const ToolLabelSchema = z.string().regex(LABEL, 'a label is a lowercase letter then up to 31 lowercase letters, digits, "_" or "-"');

/** Headers the platform sets itself (or that would change what the request means). */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'idempotency-key', 'cookie', 'proxy-authorization', 'te', 'upgrade', 'expect']);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

const HeaderNameSchema = z
  .string()
  .regex(HEADER_NAME, 'not an HTTP header name')
  .refine((h) => !RESERVED_HEADERS.has(h.toLowerCase()), 'the platform sets this header itself');

/** Credentials come from a named tenant secret, read inside the activity; the spec holds the name only. */
export const HttpAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), secret: SecretNameSchema }).strict(),
  z.object({ type: z.literal('header'), header: HeaderNameSchema, secret: SecretNameSchema }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().min(1).max(256).regex(/^[^:\r\n]*$/, 'a user name has no ":" or line break'), secret: SecretNameSchema.describe('Holds the password.') }).strict(),
]);
export type HttpAuth = z.infer<typeof HttpAuthSchema>;

const AllowedHostSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a host name, optionally with a port or a leading "*."');

/** A JSON value whose strings may hold `{var}` placeholders (the body mapping). */
export type BodyTemplate = string | number | boolean | null | BodyTemplate[] | { [key: string]: BodyTemplate };

/** A JSON value at most 8 levels deep; checked by hand so the JSON Schema stays flat (no recursive $defs for the SDK generators). */
function isBodyTemplate(value: unknown, depth = 0): value is BodyTemplate {
  if (depth > 8) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.length <= 100 && value.every((v) => isBodyTemplate(v, depth + 1));
  if (typeof value === 'object') return Object.keys(value).length <= 100 && Object.values(value).every((v) => isBodyTemplate(v, depth + 1));
  return false;
}
const BodyTemplateSchema = z
  .unknown()
  .refine(isBodyTemplate, 'a JSON value (at most 8 levels deep)')
  .describe('Any JSON value: a string that is exactly `{var}` becomes the argument, other strings interpolate `{var}`.');

export const HttpToolSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    url: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^/{}?#\s]+(\/[^\s]*)?$/, 'an http(s) URL template whose scheme, host and port are literal (arguments fill the path and query only)')
      .describe('URL template: `{var}` fills a path segment or query value (percent-encoded), `{?a,b}` appends the present ones as a query string.'),
    headers: z.record(HeaderNameSchema, z.string().max(4096)).refine((h) => Object.keys(h).length <= 32, 'at most 32 headers').optional().describe('Header templates; `{var}` is replaced by the argument.'),
    body: z
      .union([z.literal('arguments'), z.literal('none'), z.object({ template: BodyTemplateSchema }).strict()])
      .optional()
      .describe('The JSON body: `arguments` (the whole arguments object; default for POST, PUT, PATCH), `none` (default for GET, DELETE), or `{template}` where a string that is exactly `{var}` becomes the argument with its type and other strings interpolate.'),
    auth: HttpAuthSchema.optional(),
    allowed_hosts: z.array(AllowedHostSchema).max(20).optional().describe('Hosts the call may reach, redirects included. Default: the URL template\'s host only.'),
    allow_private_network: z
      .boolean()
      .default(false)
      .describe('Allow private, loopback or link-local targets. Effective only for hosts or ranges the operator allowed too (OUTBOUND_ALLOW_HOSTS / OUTBOUND_ALLOW_CIDRS).'),
    max_response_bytes: z.number().int().min(TOOL_RESPONSE_BYTES.min).max(TOOL_RESPONSE_BYTES.max).default(TOOL_RESPONSE_BYTES.default),
  })
  .strict();
export type HttpTool = z.infer<typeof HttpToolSchema>;

const JSON_SCHEMA_BYTES = 64 * 1024;

/** The arguments' JSON Schema, checked further (compiles with Ajv, no `pattern`) by checkInputSchema. */
export const InputSchemaSchema = z
  .record(z.string(), z.unknown())
  .refine((s) => s.type === 'object', 'the input schema describes an object: { "type": "object", "properties": { ... } }')
  .refine((s) => JSON.stringify(s).length <= JSON_SCHEMA_BYTES, `the input schema is larger than ${JSON_SCHEMA_BYTES} bytes`);

const ToolSpecBase = z.object({
  description: z.string().max(4096).default(''),
  input_schema: InputSchemaSchema.default({ type: 'object', properties: {} }),
  requires_approval: z.boolean().default(false).describe('The agent workflow waits for a human decision before each call.'),
  timeout_ms: z.number().int().min(TOOL_TIMEOUT_MS.min).max(TOOL_TIMEOUT_MS.max).default(TOOL_TIMEOUT_MS.default),
});

export const HttpToolSpecSchema = ToolSpecBase.extend({ kind: z.literal('http'), http: HttpToolSchema }).strict();
export const BuiltinToolSpecSchema = ToolSpecBase.extend({
  kind: z.literal('builtin'),
  builtin: z.enum(BUILTIN_TOOLS).describe("The built-in it runs; the arguments' schema is the built-in's own (input_schema is ignored)."),
}).strict();

/** What a version stores: one of two kinds. */
export const ToolSpecSchema = z.discriminatedUnion('kind', [HttpToolSpecSchema, BuiltinToolSpecSchema]);

/** A spec with its name, as a capsule ships it. */
export const NamedToolSpecSchema = z.discriminatedUnion('kind', [HttpToolSpecSchema.extend({ name: ToolNameSchema }), BuiltinToolSpecSchema.extend({ name: ToolNameSchema })]);
export type NamedToolSpec = z.infer<typeof NamedToolSpecSchema>;
export type ToolSpec = z.infer<typeof ToolSpecSchema>;
/** What a writer sends before defaults are filled. */
export type ToolSpecInput = z.input<typeof ToolSpecSchema>;
