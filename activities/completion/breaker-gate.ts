import type { BreakerVerdict, CircuitBreakerStore } from '../../stores/circuit-breakers.ts';

export interface BreakerGate {
  verdict(modelId: string): Promise<{ verdict: BreakerVerdict; failures: number }>;
  onSuccess(modelId: string, verdict: BreakerVerdict, failures: number): Promise<void>;
  onFailure(modelId: string): Promise<void>;
}

/**
 * The shared breaker with a short per-process memory of healthy models, so the common case
 * (closed, no failures) costs no database round trip per call. An open breaker elsewhere is
 * seen within `healthyCacheMs`.
 */
export function createBreakerGate(store: CircuitBreakerStore, healthyCacheMs = 1_000): BreakerGate {
  const healthy = new Map<string, number>();
  return {
    async verdict(modelId) {
      const until = healthy.get(modelId);
      if (until !== undefined && until > Date.now()) return { verdict: 'call', failures: 0 };
      const checked = await store.check(modelId);
      if (checked.verdict === 'call' && checked.failures === 0) healthy.set(modelId, Date.now() + healthyCacheMs);
      else healthy.delete(modelId);
      return checked;
    },
    async onSuccess(modelId, verdict, failures) {
      if (verdict === 'probe' || failures > 0) await store.reportSuccess(modelId);
    },
    async onFailure(modelId) {
      healthy.delete(modelId);
      await store.reportFailure(modelId);
    },
  };
}
