/**
 * A path parameter of the OpenAPI document, with the pattern the route checks it against, so
 * the document says which values can exist (anything else is answered 400 or 404) and a client
 * or fuzzer need not guess. The pattern is the route's own RegExp, never a copy.
 */
export function pathParam(name: string, pattern: RegExp, description?: string) {
  return {
    name,
    in: 'path',
    required: true,
    ...(description && { description }),
    schema: { type: 'string', pattern: pattern.source },
  };
}
