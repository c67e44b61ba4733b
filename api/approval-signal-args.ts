import type { Request } from 'express';
import { ApiError } from './api-error.ts';
import { requireApprover } from './middleware/key-roles.ts';

/**
 * The arguments of an approval signal sent through the generic signal endpoint, bound to the
 * caller: only an approver or admin key may send one (403 otherwise), the payload must be one
 * JSON object, and its `by` is replaced by the authenticated key whatever the payload said, so
 * the workflow and the audit trail record who really approved.
 */
export function approvalSignalArgs(req: Request, signal: string, args: unknown[]): unknown[] {
  const approver = requireApprover(req);
  const [payload] = args;
  if (args.length !== 1 || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ApiError(400, 'invalid_request_error', 'invalid_approval', `The "${signal}" signal takes one argument: an object such as {"decision": "approve"}.`);
  }
  return [{ ...payload, by: approver }];
}
