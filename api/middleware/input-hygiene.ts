import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../api-error.ts';
import type { ValidationProblem } from '../validation.ts';

/**
 * Most levels of nesting a JSON body may have. Deep enough for any real request (a metadata
 * filter, a JSON schema for prompt variables); shallow enough that no recursive code behind it
 * (zod, the filter compiler, Temporal's payload converter) can run out of stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * NUL and unpaired UTF-16 surrogates: Postgres refuses both (22021 in text, 22P05 in jsonb) and
 * no honest client sends them. One rule for every field: refuse, naming the field, rather than
 * strip and store something the caller did not send.
 */
// eslint-disable-next-line no-control-regex -- finding the control character is the point
const BAD_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const hasBadCharacters = (text: string): boolean => BAD_CHARACTER.test(text);

interface Found {
  problem: 'characters' | 'depth';
  path: string;
}

/**
 * Walks a parsed JSON value (or a query object) without recursion, so a value nested thousands
 * deep is measured, not followed onto the stack. Stops at the first problem.
 */
export function inspectValue(root: unknown, maxDepth = MAX_JSON_DEPTH): Found | undefined {
  const stack: Array<{ value: unknown; path: Array<string | number>; depth: number }> = [{ value: root, path: [], depth: 0 }];
  const join = (path: Array<string | number>) => path.join('.');
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (hasBadCharacters(value)) return { problem: 'characters', path: join(path) };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > maxDepth) return { problem: 'depth', path: join(path) };
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i], depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (hasBadCharacters(key)) return { problem: 'characters', path: join([...path, key]) };
      stack.push({ value: item, path: [...path, key], depth: depth + 1 });
    }
  }
  return undefined;
}

function toError(found: Found, what: string): ApiError {
  const where = found.path ? `${what} field "${found.path}"` : `The ${what}`;
  if (found.problem === 'depth') {
    const problem: ValidationProblem = { path: found.path, code: 'too_deeply_nested', message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    return new ApiError(400, 'invalid_request_error', 'too_deeply_nested', `The ${what} is nested deeper than ${MAX_JSON_DEPTH} levels (at "${found.path}").`, [problem]);
  }
  const problem: ValidationProblem = { path: found.path, code: 'invalid_characters', message: 'contains a NUL character or an unpaired UTF-16 surrogate' };
  return new ApiError(400, 'invalid_request_error', 'invalid_characters', `${capitalise(where)} contains a NUL character or an unpaired UTF-16 surrogate.`, [problem]);
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The path and query string, checked before any router sees them: a path whose percent-encoding
 * does not decode to UTF-8 (`/v1/runs/%ff%fe`) is a 400, not the router's URIError turned 500;
 * a decoded segment or query value holding NUL is refused like a body field.
 */
export function checkUrl(req: Request, _res: Response, next: NextFunction): void {
  for (const segment of req.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new ApiError(400, 'invalid_request_error', 'invalid_path', `The path segment "${segment}" is not valid percent-encoded UTF-8.`);
    }
    if (hasBadCharacters(decoded)) {
      throw new ApiError(400, 'invalid_request_error', 'invalid_characters', `The path segment "${segment}" contains a NUL character or an unpaired UTF-16 surrogate.`, [
        { path: segment, code: 'invalid_characters', message: 'contains a NUL character or an unpaired UTF-16 surrogate' },
      ]);
    }
  }
  const found = inspectValue(req.query);
  if (found) throw toError(found, 'query string');
  next();
}

/** Every JSON body, once, right after parsing and before anything recursive reads it. */
export function checkBody(req: Request, _res: Response, next: NextFunction): void {
  const found = inspectValue(req.body);
  if (found) throw toError(found, 'request body');
  next();
}
