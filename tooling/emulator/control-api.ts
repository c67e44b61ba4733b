/**
 * The `/_emulator/*` control API that tests, load runs and chaos runs use to steer the
 * emulator from outside the process. Bodies are external input, so they are parsed with zod.
 * It has no auth on purpose: the emulator is local test tooling and never holds real secrets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EmulatorConfig, EmulatorState } from './emulator-state.ts';
import { faultNameSchema, type FaultName } from './fault.ts';
import { readJsonBody, sendJson } from './http-io.ts';

const MAX_DELAY_MS = 10 * 60 * 1000;

export const faultRequestSchema = z.object({
  /** An HTTP status, `reset`, `hang`, `drop_mid_stream`, `context_length` or `content_policy`. */
  status: faultNameSchema,
  count: z.number().int().positive().default(1),
  retryAfterSeconds: z.number().nonnegative().optional(),
  /** Only calls for this model consume the fault; others pass through. */
  model: z.string().min(1).optional(),
});

export interface FaultRequest {
  status: FaultName | 400 | 401 | 403 | 404 | 429 | 500 | 503 | 529;
  count?: number;
  retryAfterSeconds?: number;
  model?: string;
}

export const configRequestSchema = z.strictObject({
  latencyMs: z.number().nonnegative().max(MAX_DELAY_MS).optional(),
  chunkDelayMs: z.number().nonnegative().max(MAX_DELAY_MS).optional(),
});

/** Throws a ZodError on invalid input: callers inside the process get a loud failure. */
export function applyFault(state: EmulatorState, input: unknown): void {
  const fault = faultRequestSchema.parse(input);
  state.faults.enqueue({ name: fault.status, count: fault.count, retryAfterSeconds: fault.retryAfterSeconds, model: fault.model });
}

export function applyConfig(state: EmulatorState, input: unknown): EmulatorConfig {
  const update = configRequestSchema.parse(input);
  state.config = {
    latencyMs: update.latencyMs ?? state.config.latencyMs,
    chunkDelayMs: update.chunkDelayMs ?? state.config.chunkDelayMs,
  };
  return { ...state.config };
}

export function resetState(state: EmulatorState): void {
  state.faults.clear();
  state.stats.clear();
  state.config = { ...state.initialConfig };
}

async function readValid(req: IncomingMessage, res: ServerResponse, apply: (body: unknown) => unknown): Promise<void> {
  const body = await readJsonBody(req);
  if (!body.ok) return sendJson(res, 400, { error: { message: body.message } });
  try {
    sendJson(res, 200, apply(body.value ?? {}));
  } catch (error) {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : String(error);
    sendJson(res, 400, { error: { message } });
  }
}

export async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, state: EmulatorState): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /_emulator/health':
      return sendJson(res, 200, { ok: true });
    case 'GET /_emulator/stats':
      return sendJson(res, 200, state.stats.snapshot());
    case 'GET /_emulator/faults':
      return sendJson(res, 200, { pending: state.faults.pending() });
    case 'POST /_emulator/faults':
      return readValid(req, res, (body) => {
        applyFault(state, body);
        return { pending: state.faults.pending() };
      });
    case 'GET /_emulator/config':
      return sendJson(res, 200, state.config);
    case 'POST /_emulator/config':
      return readValid(req, res, (body) => applyConfig(state, body));
    case 'POST /_emulator/reset':
      // Drain any body so the keep-alive connection stays usable.
      await readJsonBody(req);
      resetState(state);
      return sendJson(res, 200, { ok: true });
    default:
      return sendJson(res, 404, { error: { message: `no emulator control route ${route}` } });
  }
}
