/**
 * Approvals are workflow signals, and who sent one must be the authenticated API key, never a
 * field a caller typed. This module is the one list of the signals that count as approvals, so
 * the generic signal endpoint guards every one of them (the experiment workflow's today, the
 * agent and fine-tune workflows' later), and the one shape of the identity they carry.
 *
 * Pure and free of Node imports: workflows import it.
 */

/** Every signal name, in any SomaAgent workflow, that approves or rejects something. */
export const APPROVAL_SIGNALS = ['approval'] as const;

export type ApprovalSignalName = (typeof APPROVAL_SIGNALS)[number];

export function isApprovalSignal(name: string): name is ApprovalSignalName {
  return (APPROVAL_SIGNALS as readonly string[]).includes(name);
}

/** The authenticated key that decided: set by the API from the request's credentials. */
export interface Approver {
  keyId: string;
  keyName: string | null;
}

/**
 * The approver a payload carries, or undefined when it names none. A plain string is a key id:
 * approvals signalled before approvers carried names (histories and rows written then) still
 * read, so running workflows and old decisions keep working.
 */
export function approverOf(by: unknown): Approver | undefined {
  if (typeof by === 'string') return by.length > 0 ? { keyId: by, keyName: null } : undefined;
  if (typeof by !== 'object' || by === null) return undefined;
  const { keyId, keyName } = by as { keyId?: unknown; keyName?: unknown };
  if (typeof keyId !== 'string' || keyId.length === 0) return undefined;
  return { keyId, keyName: typeof keyName === 'string' ? keyName : null };
}

/** How an approver reads in an audit line: the key id, and its name when known. */
export function describeApprover(approver: Approver): string {
  return approver.keyName === null ? approver.keyId : `${approver.keyId} ("${approver.keyName}")`;
}
