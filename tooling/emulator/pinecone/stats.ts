/**
 * What reached the emulated service: tests assert that a dimension error never left the client,
 * that 2,500 records took three upsert calls, or that a retry made exactly one more attempt.
 */
export interface PineconeEmulatorStats {
  /** Data- and control-plane requests received, every attempt, faulted or not. */
  total: number;
  /** By `METHOD /path`, e.g. `POST /vectors/upsert`. */
  byEndpoint: Record<string, number>;
  /** By the HTTP status answered (`"reset"` for a dropped connection). */
  byStatus: Record<string, number>;
  faultsInjected: number;
}

export interface PineconeStatsRecorder {
  request(endpoint: string): void;
  answered(status: number | 'reset'): void;
  fault(): void;
  snapshot(): PineconeEmulatorStats;
  clear(): void;
}

export function createPineconeStats(): PineconeStatsRecorder {
  let stats: PineconeEmulatorStats = { total: 0, byEndpoint: {}, byStatus: {}, faultsInjected: 0 };
  return {
    request(endpoint) {
      stats.total += 1;
      stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
    },
    answered(status) {
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    },
    fault() {
      stats.faultsInjected += 1;
    },
    snapshot: () => structuredClone(stats),
    clear() {
      stats = { total: 0, byEndpoint: {}, byStatus: {}, faultsInjected: 0 };
    },
  };
}
