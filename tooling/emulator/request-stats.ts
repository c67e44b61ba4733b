/**
 * Counters that let tests assert how many calls reached the "provider" — e.g. that a
 * retry policy made exactly three attempts, or that a fallback never touched the first model.
 */
export interface EmulatorStats {
  /** Model calls received (chat completions, messages, embeddings), every attempt, faulted or not. */
  total: number;
  /** Model calls by the requested model name. */
  byModel: Record<string, number>;
  /** Every vendor API request by path, including `GET /v1/models`. */
  byEndpoint: Record<string, number>;
  /** Model calls answered with an injected fault (HTTP error, reset or hang). */
  faultsInjected: number;
}

export interface RequestStats {
  countEndpoint(path: string): void;
  countModelCall(model: string): void;
  countFault(): void;
  snapshot(): EmulatorStats;
  clear(): void;
}

export function createRequestStats(): RequestStats {
  let total = 0;
  let faultsInjected = 0;
  let byModel = new Map<string, number>();
  let byEndpoint = new Map<string, number>();
  return {
    countEndpoint(path) {
      byEndpoint.set(path, (byEndpoint.get(path) ?? 0) + 1);
    },
    countModelCall(model) {
      total += 1;
      byModel.set(model, (byModel.get(model) ?? 0) + 1);
    },
    countFault() {
      faultsInjected += 1;
    },
    snapshot: () => ({
      total,
      byModel: Object.fromEntries(byModel),
      byEndpoint: Object.fromEntries(byEndpoint),
      faultsInjected,
    }),
    clear() {
      total = 0;
      faultsInjected = 0;
      byModel = new Map();
      byEndpoint = new Map();
    },
  };
}
