import type { ModelRegistryStore, RegisteredModel } from './model-registry.ts';

export interface ModelRegistryCache {
  /** The catalogue, at most `checkIntervalMs` stale; reloads only when the version moved. */
  models(): Promise<readonly RegisteredModel[]>;
  get(id: string): Promise<RegisteredModel | undefined>;
  /** Drop the cache now (this process changed the registry). */
  invalidate(): void;
}

/**
 * Per-process cache of the registry. Every `checkIntervalMs` one tiny query compares the
 * registry version; the catalogue itself is reloaded only after a change, so API and worker
 * processes see an admin edit within that interval without re-reading every model per request.
 */
export function createModelRegistryCache(store: ModelRegistryStore, checkIntervalMs = 2_000): ModelRegistryCache {
  let cached: { version: number; models: RegisteredModel[]; byId: Map<string, RegisteredModel> } | undefined;
  let checkedAt = 0;
  let inflight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    const version = await store.version();
    if (!cached || cached.version !== version) {
      const models = await store.list();
      cached = { version, models, byId: new Map(models.map((m) => [m.id, m])) };
    }
    checkedAt = Date.now();
  }

  async function ensure(): Promise<NonNullable<typeof cached>> {
    if (!cached || Date.now() - checkedAt > checkIntervalMs) {
      // Concurrent requests share one refresh instead of stampeding the database.
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      await inflight;
    }
    return cached!;
  }

  return {
    async models() {
      return (await ensure()).models;
    },
    async get(id) {
      return (await ensure()).byId.get(id);
    },
    invalidate() {
      cached = undefined;
    },
  };
}
