/**
 * What an API key may do. Pure (no I/O), so the API, the stores and the docs agree on one list.
 *
 * - `admin`: everything, including tenants, keys and the model registry.
 * - `approver`: everything a member may, and approvals.
 * - `member`: every tenant endpoint except approvals.
 * - `read-only`: reads (GET) and the run queries; nothing that changes state.
 */
export const API_KEY_ROLES = ['admin', 'approver', 'member', 'read-only'] as const;

export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** Keys created before roles existed, and keys created without one, are members. */
export const DEFAULT_API_KEY_ROLE: ApiKeyRole = 'member';

export function isApiKeyRole(value: unknown): value is ApiKeyRole {
  return typeof value === 'string' && (API_KEY_ROLES as readonly string[]).includes(value);
}

/** Whether a key may approve (or reject) what waits for a human's decision. */
export function mayApprove(role: ApiKeyRole): boolean {
  return role === 'admin' || role === 'approver';
}

/** Whether a key may change state at all (start runs, write templates, signal, cancel, ...). */
export function mayWrite(role: ApiKeyRole): boolean {
  return role !== 'read-only';
}
