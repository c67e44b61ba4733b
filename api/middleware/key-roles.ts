import type { NextFunction, Request, Response } from 'express';
import { mayApprove, mayWrite } from '../../core/access/api-key-role.ts';
import type { Approver } from '../../core/access/approval-signals.ts';
import { ApiError } from '../api-error.ts';
import { principalOf, type Principal } from './auth.ts';

/**
 * The POST endpoints that change nothing (they read, render or query), so a read-only key may
 * call them. Matched against the full path; everything else that is not a GET is a write.
 */
const READ_ONLY_POSTS: readonly RegExp[] = [
  /^\/v1\/runs\/[^/]+\/query\/[^/]+\/?$/,
  /^\/v1\/search\/?$/,
  /^\/v1\/prompts\/[^/]+\/render\/?$/,
];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function insufficientRole(message: string): ApiError {
  return new ApiError(403, 'permission_error', 'insufficient_role', message);
}

/**
 * Refuses every state-changing request of a read-only key, before any route (and before an
 * idempotent replay) can act on it. Mounted right after authentication.
 */
export function guardReadOnlyKeys(req: Request, _res: Response, next: NextFunction): void {
  const { role } = principalOf(req);
  if (mayWrite(role) || READ_METHODS.has(req.method)) return next();
  const path = req.baseUrl + req.path;
  if (req.method === 'POST' && READ_ONLY_POSTS.some((pattern) => pattern.test(path))) return next();
  throw insufficientRole(`This API key is read-only: it may read and query, not ${req.method} ${path}. Use a key with the member role or higher.`);
}

/**
 * The identity an approval is recorded under: the authenticated key, and only a key whose role
 * may approve (approver or admin). Anything a payload says about who approved is ignored.
 */
export function requireApprover(req: Request): Approver {
  const principal: Principal = principalOf(req);
  if (!mayApprove(principal.role)) {
    throw insufficientRole(`Approvals need an API key with the approver or admin role; this key's role is ${principal.role}.`);
  }
  return { keyId: principal.keyId, keyName: principal.keyName };
}
