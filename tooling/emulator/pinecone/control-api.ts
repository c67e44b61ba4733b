/**
 * The `/_emulator/*` control API of the Pinecone emulator, for tests, load and chaos runs that
 * steer it from outside the process. No auth, like the provider emulator's: local tooling only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readJsonBody, sendJson } from '../http-io.ts';
import type { PineconeFaultQueue } from './faults.ts';
import type { PineconeStatsRecorder } from './stats.ts';
import type { VectorIndex } from './vector-index.ts';

export interface PineconeEmulatorConfig {
  /** Added before every data- and control-plane answer. */
  latencyMs: number;
}

export interface PineconeEmulatorState {
  index: VectorIndex;
  faults: PineconeFaultQueue;
  stats: PineconeStatsRecorder;
  config: PineconeEmulatorConfig;
  readonly initialConfig: PineconeEmulatorConfig;
}

export const configRequestSchema = z.strictObject({ latencyMs: z.number().nonnegative().max(10 * 60 * 1000).optional() });

/** Throws a ZodError on invalid input. */
export function applyConfig(state: PineconeEmulatorState, input: unknown): PineconeEmulatorConfig {
  const update = configRequestSchema.parse(input);
  state.config = { latencyMs: update.latencyMs ?? state.config.latencyMs };
  return { ...state.config };
}

/** Faults, stats and settings back to their start; stored vectors stay unless asked. */
export function resetState(state: PineconeEmulatorState, options: { vectors?: boolean } = {}): void {
  state.faults.clear();
  state.stats.clear();
  state.config = { ...state.initialConfig };
  if (options.vectors) state.index.clear();
}

const resetRequestSchema = z.strictObject({ vectors: z.boolean().optional() });

async function readValid(req: IncomingMessage, res: ServerResponse, apply: (body: unknown) => unknown): Promise<void> {
  const body = await readJsonBody(req);
  if (!body.ok) return sendJson(res, 400, { error: { message: body.message } });
  try {
    sendJson(res, 200, apply(body.value ?? {}));
  } catch (error) {
    sendJson(res, 400, { error: { message: error instanceof z.ZodError ? z.prettifyError(error) : String(error) } });
  }
}

export async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, state: PineconeEmulatorState): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /_emulator/health':
      return sendJson(res, 200, { ok: true });
    case 'GET /_emulator/stats':
      return sendJson(res, 200, { ...state.stats.snapshot(), vectors: state.index.vectorCounts() });
    case 'GET /_emulator/faults':
      return sendJson(res, 200, { pending: state.faults.pending() });
    case 'POST /_emulator/faults':
      return readValid(req, res, (body) => {
        state.faults.enqueue(body);
        return { pending: state.faults.pending() };
      });
    case 'GET /_emulator/config':
      return sendJson(res, 200, state.config);
    case 'POST /_emulator/config':
      return readValid(req, res, (body) => applyConfig(state, body));
    case 'POST /_emulator/reset':
      return readValid(req, res, (body) => {
        resetState(state, resetRequestSchema.parse(body));
        return { ok: true };
      });
    default:
      req.resume();
      return sendJson(res, 404, { error: { message: `no emulator control route ${route}` } });
  }
}
