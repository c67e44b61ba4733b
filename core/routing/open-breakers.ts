import type { CircuitBreakerStore } from '../../stores/circuit-breakers.ts';

export interface OpenBreakers {
  /** Model ids whose shared breaker is open, as of at most `ttlMs` ago. */
  current(): Promise<ReadonlySet<string>>;
}

/**
 * A short-lived snapshot of open breakers, so the API can mark a chain's open candidates before
 * the run starts: the workflow then passes over them without scheduling an activity for each
 * (which costs a task round trip and two queries only to be told "skip"). The activity still
 * checks the breaker itself, so a snapshot a moment stale only costs that round trip.
 */
export function createOpenBreakers(store: Pick<CircuitBreakerStore, 'openModels'>, ttlMs = 500): OpenBreakers {
  let cached: { at: number; models: Promise<ReadonlySet<string>> } | undefined;
  return {
    current() {
      const now = Date.now();
      if (!cached || now - cached.at > ttlMs) {
        const models = store.openModels().then((ids) => new Set(ids) as ReadonlySet<string>);
        cached = { at: now, models };
        // A failed read is not cached: the next request asks again.
        models.catch(() => {
          if (cached?.models === models) cached = undefined;
        });
      }
      return cached.models;
    },
  };
}
