/**
 * The Pinecone emulator's side of the `/_emulator/*` control API (../control-routes.ts): its
 * state and settings, and what a reset clears (stored vectors only when asked).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { handleControlRoute, MAX_DELAY_MS } from '../control-routes.ts';
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

export const configRequestSchema = z.strictObject({ latencyMs: z.number().nonnegative().max(MAX_DELAY_MS).optional() });

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

export function handleControl(req: IncomingMessage, res: ServerResponse, path: string, state: PineconeEmulatorState): Promise<void> {
  return handleControlRoute(req, res, path, {
    stats: () => ({ ...state.stats.snapshot(), vectors: state.index.vectorCounts() }),
    pendingFaults: () => state.faults.pending(),
    enqueueFault: (body) => state.faults.enqueue(body),
    config: () => state.config,
    applyConfig: (body) => applyConfig(state, body),
    reset: (body) => resetState(state, resetRequestSchema.parse(body)),
    resetTakesBody: true,
  });
}
