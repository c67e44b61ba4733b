/**
 * One model call through the emulator: count it, check the key, validate, apply a fault or the
 * configured latency, then answer in the caller's wire format (JSON or SSE). `admitCall` is the
 * part every vendor endpoint shares (chat, messages, embeddings).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { EmulatorState } from './emulator-state.ts';
import { errorForFault, FAULT_NAMES, faultNameSchema, type Fault, type VendorError } from './fault.ts';
import { headerNumber, headerValue, readJsonBody, sendJson, sleep } from './http-io.ts';
import { simulateAnswer } from './simulated-answer.ts';
import type { WireFormat } from './wire-format.ts';

/** Real 429s always say when to come back; so does the emulator unless told a value. */
const DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS = 1;

type HeaderFault = { ok: true; fault: Fault | undefined } | { ok: false; message: string };

/** `x-emulator-fault` (+ `x-emulator-retry-after`) fails just this request, bypassing the queue. */
function faultFromHeaders(req: IncomingMessage): HeaderFault {
  const raw = headerValue(req, 'x-emulator-fault');
  if (raw === undefined) return { ok: true, fault: undefined };
  const name = faultNameSchema.safeParse(raw.trim());
  if (!name.success) return { ok: false, message: `x-emulator-fault must be one of ${FAULT_NAMES.join(', ')}` };
  return { ok: true, fault: { name: name.data, retryAfterSeconds: headerNumber(req, 'x-emulator-retry-after') } };
}

function modelOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('model' in body)) return undefined;
  return typeof body.model === 'string' ? body.model : undefined;
}

/** The socket is gone (client aborted or timed out): nothing left to answer. */
function clientGone(res: ServerResponse): boolean {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

function chunkDelayOf(req: IncomingMessage, state: EmulatorState): number {
  return headerNumber(req, 'x-emulator-chunk-delay-ms') ?? state.config.chunkDelayMs;
}

/** `drop: 'half'` sends half the frames (past the first text, before the finish), then drops the connection. */
async function writeStream(res: ServerResponse, frames: string[], chunkDelayMs: number, drop?: 'half'): Promise<void> {
  const dropAfter = drop === 'half' ? Math.max(2, Math.floor(frames.length / 2)) : undefined;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const sent = dropAfter === undefined ? frames : frames.slice(0, dropAfter);
  if (chunkDelayMs <= 0) res.write(sent.join(''));
  else {
    for (let i = 0; i < sent.length; i++) {
      if (i > 0) await sleep(chunkDelayMs);
      if (clientGone(res)) return;
      res.write(sent[i]);
    }
  }
  if (dropAfter === undefined) {
    res.end();
    return;
  }
  // Let the frames reach the client before the RST, as when a provider dies mid-answer.
  await sleep(Math.max(chunkDelayMs, 20));
  res.socket?.resetAndDestroy();
}

/** A request body parsed into an endpoint's own call shape, or why it was refused. */
export type Parsed<C> = { ok: true; call: C } | { ok: false; message: string; param?: string };

export interface AdmittedCall<C> {
  call: C;
  /** Per-server sequence number, for deterministic response ids. */
  seq: number;
  /** The fault to answer with instead of a result, if one was injected for this call. */
  fault: Fault | undefined;
  /** Sends an error in the vendor's shape. */
  fail(error: VendorError, headers?: OutgoingHttpHeaders): void;
}

/**
 * Everything before the answer: request id, counting, key check, body validation, the injected
 * fault (header first, then the queue) and the configured latency. Undefined when the call is
 * already answered (an error), is never to be answered (`hang`), or its client left.
 */
export async function admitCall<C extends { model: string }>(
  wire: WireFormat,
  req: IncomingMessage,
  res: ServerResponse,
  state: EmulatorState,
  parse: (body: unknown) => Parsed<C>,
): Promise<AdmittedCall<C> | undefined> {
  const seq = state.nextSeq();
  const requestId = `req_sim${seq}`;
  res.setHeader(wire.requestIdHeader, requestId);

  const body = await readJsonBody(req);
  const model = body.ok ? modelOf(body.value) : undefined;
  state.stats.countModelCall(model ?? '(unknown)');
  const fail = (error: VendorError, headers?: OutgoingHttpHeaders): void =>
    sendJson(res, error.status, wire.errorBody(error, requestId, model), headers);

  const refuse = (error: VendorError): undefined => {
    fail(error);
    return undefined;
  };
  if (state.requireApiKey !== undefined && !wire.hasValidKey(req.headers, state.requireApiKey)) return refuse({ status: 401 });
  if (!body.ok) return refuse({ status: 400, reason: 'invalid_body', message: body.message });
  const parsed = parse(body.value);
  if (!parsed.ok) return refuse({ status: 400, reason: 'invalid_body', message: parsed.message, ...(parsed.param && { param: parsed.param }) });
  const call = parsed.call;

  const headerFault = faultFromHeaders(req);
  if (!headerFault.ok) return refuse({ status: 400, message: headerFault.message });
  const fault = headerFault.fault ?? state.faults.take(call.model);
  if (fault) state.stats.countFault();
  // A hung provider never answers; the client's timeout or abort is the only way out.
  if (fault?.name === 'hang') return undefined;

  const latencyMs = headerNumber(req, 'x-emulator-latency-ms') ?? state.config.latencyMs;
  if (latencyMs > 0) {
    await sleep(latencyMs);
    if (clientGone(res)) return undefined;
  }
  return { call, seq, fault, fail };
}

/** A fault answered without a stream: the vendor's HTTP error, or a dropped connection. */
export function answerFault(req: IncomingMessage, fault: Fault, fail: AdmittedCall<unknown>['fail']): void {
  if (fault.name === 'reset' || fault.name === 'drop_mid_stream' || fault.name === 'hang') {
    // RST rather than FIN: what a crashed load balancer or provider looks like to the client.
    req.socket.resetAndDestroy();
    return;
  }
  const error = errorForFault(fault.name);
  const retryAfter = fault.retryAfterSeconds ?? (error.status === 429 ? DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS : undefined);
  fail(error, retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) });
}

export async function handleModelCall(wire: WireFormat, req: IncomingMessage, res: ServerResponse, state: EmulatorState): Promise<void> {
  const admitted = await admitCall(wire, req, res, state, (body) => wire.parseCall(body));
  if (!admitted) return;
  const { call, seq, fault } = admitted;
  if (fault) {
    if (fault.name === 'drop_mid_stream' && call.stream) return writeStream(res, wire.streamFrames(call, simulateAnswer(call), seq), chunkDelayOf(req, state), 'half');
    return answerFault(req, fault, admitted.fail);
  }

  const answer = simulateAnswer(call);
  if (!call.stream) return sendJson(res, 200, wire.completion(call, answer, seq));
  return writeStream(res, wire.streamFrames(call, answer, seq), chunkDelayOf(req, state));
}
