/**
 * The `/_emulator/*` control routes both emulators answer, so tests, load and chaos runs steer
 * either one the same way: health, stats, faults, config and reset. Each emulator supplies only
 * what differs (its state, its fault shape, what a reset clears). Bodies are external input:
 * every callback validates with zod and a ZodError becomes a 400. No auth on purpose: the
 * emulators are local test tooling and never hold real secrets.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readJsonBody, sendJson } from './http-io.ts';

export interface ControlSurface {
  stats(): unknown;
  pendingFaults(): unknown;
  /** Throws a ZodError on a malformed fault. */
  enqueueFault(body: unknown): void;
  config(): unknown;
  /** Throws a ZodError on a malformed update; returns the settings now in force. */
  applyConfig(body: unknown): unknown;
  /**
   * Back to the start. `body` is undefined when the emulator does not read the reset body
   * (`resetTakesBody` false): then any body, even malformed, is drained and ignored.
   */
  reset(body: unknown): void;
  resetTakesBody: boolean;
}

/** Longest latency or delay a control call may set, so a typo cannot hang a run for hours. */
export const MAX_DELAY_MS = 10 * 60 * 1000;

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

export async function handleControlRoute(req: IncomingMessage, res: ServerResponse, path: string, surface: ControlSurface): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /_emulator/health':
      return sendJson(res, 200, { ok: true });
    case 'GET /_emulator/stats':
      return sendJson(res, 200, surface.stats());
    case 'GET /_emulator/faults':
      return sendJson(res, 200, { pending: surface.pendingFaults() });
    case 'POST /_emulator/faults':
      return readValid(req, res, (body) => {
        surface.enqueueFault(body);
        return { pending: surface.pendingFaults() };
      });
    case 'GET /_emulator/config':
      return sendJson(res, 200, surface.config());
    case 'POST /_emulator/config':
      return readValid(req, res, (body) => surface.applyConfig(body));
    case 'POST /_emulator/reset':
      if (surface.resetTakesBody) {
        return readValid(req, res, (body) => {
          surface.reset(body);
          return { ok: true };
        });
      }
      // Drain any body so the keep-alive connection stays usable.
      await readJsonBody(req);
      surface.reset(undefined);
      return sendJson(res, 200, { ok: true });
    default:
      req.resume();
      return sendJson(res, 404, { error: { message: `no emulator control route ${route}` } });
  }
}
