/**
 * The failures the emulator can inject. HTTP faults answer with the vendor's real error body;
 * `reset` drops the TCP connection; `hang` never answers, to exercise client timeouts and aborts;
 * `drop_mid_stream` sends half of a streamed answer, then drops the connection (a plain call
 * gets `reset`).
 * `context_length` and `content_policy` are 400s whose body says why, the way the vendors do.
 */
import { z } from 'zod';

export const FAULT_NAMES = [
  '400',
  '401',
  '403',
  '404',
  '429',
  '500',
  '503',
  '529',
  'context_length',
  'content_policy',
  'reset',
  'hang',
  'drop_mid_stream',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** Accepts `429` or `"429"` alike, so JSON bodies and headers share one parser. */
export const faultNameSchema = z
  .union([z.number(), z.string()])
  .transform(String)
  .pipe(z.enum(FAULT_NAMES));

export interface Fault {
  name: FaultName;
  /** Sent as `retry-after` (seconds). 429s always carry one (default 1s), like the real APIs. */
  retryAfterSeconds: number | undefined;
}

/** An HTTP error to render in a vendor's shape; `reason` refines a 400 into its real cause. */
export interface VendorError {
  status: number;
  reason?: 'context_length' | 'content_policy' | 'invalid_body' | 'unknown_route';
  message?: string;
  /** The offending request field, for vendors that report one. */
  param?: string;
}

export function errorForFault(name: Exclude<FaultName, 'reset' | 'hang' | 'drop_mid_stream'>): VendorError {
  if (name === 'context_length' || name === 'content_policy') return { status: 400, reason: name };
  return { status: Number(name) };
}
