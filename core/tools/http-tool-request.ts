/**
 * Turns an HTTP tool's spec and one call's (validated) arguments into the request to send.
 * RFC 6570-ish templates: `{var}` is a simple expansion (percent-encoded, so a value can never
 * add a path segment, a query or a fragment), `{?a,b}` / `{&a,b}` form-style query expansion of
 * the arguments present. The template's origin is literal and checked again after expansion.
 */
import type { BodyTemplate, HttpAuth, HttpTool } from './tool-spec.ts';

/** The arguments do not fit the template (missing, wrong type, a dot segment, a line break). */
export class ToolArgumentError extends Error {
  override readonly name = 'ToolArgumentError';
  readonly code = 'invalid_arguments';
}

export interface HttpToolRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const EXPRESSION = /\{([?&]?)([A-Za-z_][A-Za-z0-9_]*(?:,[A-Za-z_][A-Za-z0-9_]*)*)\}/g;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_PLACEHOLDER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

type Args = Record<string, unknown>;

function scalar(args: Args, name: string, where: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ToolArgumentError(`argument "${name}" fills ${where} and must be a string, number or boolean`);
}

/** The origin of a URL template (its literal scheme://host:port prefix). */
export function templateOrigin(template: string): string {
  return new URL(template.replace(EXPRESSION, 'x')).origin;
}

export function expandUrl(template: string, args: Args): string {
  const origin = templateOrigin(template);
  const queryStart = template.indexOf('?');
  const expanded = template.replace(EXPRESSION, (_match, operator: string, names: string, offset: number) => {
    if (operator === '?' || operator === '&') {
      const pairs = names
        .split(',')
        .map((name) => [name, scalar(args, name, 'the query')] as const)
        .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
        .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
      if (pairs.length === 0) return '';
      return `${operator}${pairs.join('&')}`;
    }
    const inQuery = queryStart >= 0 && offset > queryStart;
    const value = scalar(args, names, inQuery ? 'the query' : 'the URL path');
    if (value === undefined) {
      if (inQuery) return '';
      throw new ToolArgumentError(`argument "${names}" is needed to build the URL`);
    }
    // A dot segment, even percent-encoded, would be resolved by the URL parser and climb the path.
    if (!inQuery && (value === '.' || value === '..' || value === '')) throw new ToolArgumentError(`argument "${names}" may not be "${value}" in the URL path`);
    return encodeURIComponent(value);
  });
  const url = new URL(expanded);
  if (url.origin !== origin) throw new ToolArgumentError(`the arguments changed the URL's origin (${url.origin})`);
  return url.href;
}

function noLineBreaks(value: string, where: string): string {
  if (/[\r\n\0]/.test(value)) throw new ToolArgumentError(`${where} may not contain line breaks or NUL`);
  return value;
}

/** `{var}` replaced by the argument (strings as they are, other values as JSON, absent ones empty). */
function interpolate(text: string, args: Args, where: string): string {
  const filled = text.replace(PLACEHOLDER, (_m, name: string) => {
    const value = args[name];
    if (value === undefined || value === null) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  // A line break in a header value would start a header of the model's choosing.
  return where.startsWith('header') ? noLineBreaks(filled, where) : filled;
}

function fillBody(template: BodyTemplate, args: Args): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(template);
    if (whole) return args[whole[1]!] ?? null;
    return interpolate(template, args, 'the body');
  }
  if (Array.isArray(template)) return template.map((t) => fillBody(t, args));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillBody(v, args)]));
  }
  return template;
}

/** The header carrying the credential, from the secret's value. */
export function authHeader(auth: HttpAuth, secret: string): [string, string] {
  noLineBreaks(secret, `secret "${auth.secret}"`);
  switch (auth.type) {
    case 'bearer':
      return ['authorization', `Bearer ${secret}`];
    case 'header':
      return [auth.header.toLowerCase(), secret];
    case 'basic':
      return ['authorization', `Basic ${Buffer.from(`${auth.username}:${secret}`).toString('base64')}`];
  }
}

export function buildHttpToolRequest(http: HttpTool, args: Args, options: { idempotencyKey: string; secret?: string }): HttpToolRequest {
  const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9, */*;q=0.5', 'user-agent': 'SomaAgent-Tools/1' };
  for (const [name, template] of Object.entries(http.headers ?? {})) headers[name.toLowerCase()] = interpolate(template, args, `header ${name}`);
  if (http.auth && options.secret !== undefined) {
    const [name, value] = authHeader(http.auth, options.secret);
    headers[name] = value;
  }
  // Lets the downstream drop a duplicate of a call still in flight when a worker died mid-call.
  headers['idempotency-key'] = noLineBreaks(options.idempotencyKey, 'the idempotency key');
  const mode = http.body ?? (http.method === 'GET' || http.method === 'DELETE' ? 'none' : 'arguments');
  let body: string | undefined;
  if (mode === 'arguments') body = JSON.stringify(args);
  else if (mode !== 'none') body = JSON.stringify(fillBody(mode.template as BodyTemplate, args));
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { method: http.method, url: expandUrl(http.url, args), headers, ...(body !== undefined && { body }) };
}
