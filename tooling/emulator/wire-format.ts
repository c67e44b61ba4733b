/**
 * What a vendor wire format must provide so one request pipeline can serve both OpenAI and
 * Anthropic clients: parse the request, check the key, and render answers and errors in the
 * vendor's exact JSON and SSE shapes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { ChatCall } from './chat-call.ts';
import type { VendorError } from './fault.ts';
import type { SimulatedAnswer } from './simulated-answer.ts';

export type ParsedCall = { ok: true; call: ChatCall } | { ok: false; message: string; param?: string };

export interface WireFormat {
  readonly vendor: 'openai' | 'anthropic';
  /** The response header the vendor uses for its request id. */
  readonly requestIdHeader: string;
  parseCall(body: unknown): ParsedCall;
  hasValidKey(headers: IncomingHttpHeaders, expected: string): boolean;
  /** `seq` is a per-server counter that makes ids unique and deterministic. */
  completion(call: ChatCall, answer: SimulatedAnswer, seq: number): unknown;
  /** Complete SSE frames (`...\n\n`), in order, ready to write. */
  streamFrames(call: ChatCall, answer: SimulatedAnswer, seq: number): string[];
  errorBody(error: VendorError, requestId: string, model: string | undefined): unknown;
  modelList(models: readonly string[]): unknown;
}

/** The first validation issue, phrased the way vendors phrase theirs (`field: problem`). */
export function describeIssue(error: z.ZodError): { message: string; param?: string } {
  const issue = error.issues[0];
  if (!issue) return { message: 'invalid request body' };
  const path = issue.path.map(String).join('.');
  return path ? { message: `${path}: ${issue.message}`, param: path } : { message: issue.message };
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
