/**
 * The responses the middleware in front of every route can give (api/create-app.ts), added to
 * each operation of the OpenAPI document so it declares what the server really answers: the
 * per-route lists only named what the route itself throws, and a client (or a fuzzer checking
 * status conformance) met 401 on admin routes, 413/415 on bodies and 400 on bad paths undeclared.
 * A route's own description of a status wins; these only fill the gaps.
 */
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** Any request: the path or query is checked before any route (api/middleware/input-hygiene.ts). */
const BAD_URL = 'Invalid input: validation_failed (details list every problem), invalid_json, invalid_path (bad percent-encoding), invalid_characters (NUL or an unpaired surrogate), too_deeply_nested, model_not_found, ...';
const UNAUTHENTICATED = 'missing_api_key or invalid_api_key (revoked or unknown)';
const ADMIN_ONLY = 'admin_required: this endpoint needs an admin API key';
const READ_ONLY_KEY = 'insufficient_role: a read-only key may read and query, not change anything';
const NOT_FOUND = 'No such resource for this tenant (an id that cannot exist is not found either)';
const TOO_LARGE = 'payload_too_large: the body is larger than MAX_BODY_BYTES';
const NOT_JSON = 'unsupported_media_type: send the body as application/json (or unsupported_encoding)';

/** Methods that carry a body: express.json and requireJsonBody read it before any route. */
const BODY_METHODS = new Set(['post', 'put', 'patch']);
/** POSTs a read-only key may make (api/middleware/key-roles.ts): they change nothing. */
const READ_ONLY_POSTS = new Set(['/v1/runs/{runId}/query/{name}', '/v1/search', '/v1/prompts/{name}/render']);

type Operation = { responses: Record<string, unknown>; parameters?: unknown[] };

export function withStandardResponses<T extends Record<string, Record<string, unknown>>>(paths: T): T {
  for (const [path, operations] of Object.entries(paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, value] of Object.entries(operations)) {
      const operation = value as Operation;
      const responses = operation.responses;
      responses['400'] ??= errorResponse(BAD_URL);
      responses['401'] ??= errorResponse(UNAUTHENTICATED);
      if (path.startsWith('/v1/admin/')) responses['403'] ??= errorResponse(ADMIN_ONLY);
      else if (method !== 'get' && !READ_ONLY_POSTS.has(path)) responses['403'] ??= errorResponse(READ_ONLY_KEY);
      if (path.includes('{')) responses['404'] ??= errorResponse(NOT_FOUND);
      if (BODY_METHODS.has(method)) {
        responses['413'] ??= errorResponse(TOO_LARGE);
        responses['415'] ??= errorResponse(NOT_JSON);
      }
    }
  }
  return paths;
}
