/** The mutable state one emulator instance shares between its vendor routes and control API. */
import type { FaultPlan } from './fault-plan.ts';
import type { RequestStats } from './request-stats.ts';

/** Settings that can change at run time (control API), unlike the listening address. */
export interface EmulatorConfig {
  /** Delay before the response starts: whole-response latency for JSON, time-to-first-token for SSE. */
  latencyMs: number;
  /** Delay between SSE frames, to simulate token-by-token generation. */
  chunkDelayMs: number;
}

export interface EmulatorState {
  config: EmulatorConfig;
  /** What `reset` restores: the creation options. */
  readonly initialConfig: Readonly<EmulatorConfig>;
  readonly faults: FaultPlan;
  readonly stats: RequestStats;
  readonly requireApiKey: string | undefined;
  readonly models: readonly string[];
  /** Per-server counter for response and request ids. */
  nextSeq(): number;
}
