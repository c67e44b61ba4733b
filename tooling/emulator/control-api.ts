/**
 * The provider emulator's side of the `/_emulator/*` control API (control-routes.ts): its fault
 * and config shapes, and what a reset clears. Bodies are external input, so they are parsed with zod.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EmulatorConfig, EmulatorState } from './emulator-state.ts';
import { faultNameSchema, type FaultName } from './fault.ts';
import { handleControlRoute, MAX_DELAY_MS } from './control-routes.ts';

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

export function handleControl(req: IncomingMessage, res: ServerResponse, path: string, state: EmulatorState): Promise<void> {
  return handleControlRoute(req, res, path, {
    stats: () => state.stats.snapshot(),
    pendingFaults: () => state.faults.pending(),
    enqueueFault: (body) => applyFault(state, body),
    config: () => state.config,
    applyConfig: (body) => applyConfig(state, body),
    reset: () => resetState(state),
    resetTakesBody: false,
  });
}
