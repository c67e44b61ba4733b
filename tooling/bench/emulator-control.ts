/**
 * A small client for the provider emulator's `/_emulator/*` control API (emulator/control-api.ts),
 * for benchmarks that steer a stack's emulator from outside its process.
 */
import type { EmulatorStats } from '../emulator/request-stats.ts';

export interface EmulatorFault {
  /** An HTTP status (500, 503, 429, ...) or `reset`, `hang`, `context_length`, `content_policy`. */
  status: number | string;
  count: number;
  /** The provider model name the fault is for; other models pass through. */
  model?: string;
  retryAfterSeconds?: number;
}

export interface EmulatorControl {
  setLatency(latencyMs: number): Promise<void>;
  injectFault(fault: EmulatorFault): Promise<void>;
  stats(): Promise<EmulatorStats>;
}

export function emulatorControl(emulatorUrl: string): EmulatorControl {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${emulatorUrl}/_emulator/${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`emulator ${method} /_emulator/${path} failed: HTTP ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  return {
    async setLatency(latencyMs) {
      await call('POST', 'config', { latencyMs });
    },
    async injectFault(fault) {
      await call('POST', 'faults', fault);
    },
    stats: async () => (await call('GET', 'stats')) as EmulatorStats,
  };
}

/** Model calls the emulator received for `model` between two snapshots. */
export function callsBetween(before: EmulatorStats, after: EmulatorStats, model: string): number {
  return (after.byModel[model] ?? 0) - (before.byModel[model] ?? 0);
}
