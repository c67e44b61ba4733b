import { readFile } from 'node:fs/promises';
import type { RouterVersionStore } from '../../stores/router-versions.ts';
import { parseArtefact, routerFromArtefact } from './router-artefact.ts';
import type { LoadedRouter } from './learned-route-decision.ts';

/** `active` names the tenant's promoted version. */
export const ACTIVE = 'active';

export interface LearnedRouterCache {
  /** The tenant's router of that version (or its active one); undefined when it has none. */
  get(tenantId: string, version: string): Promise<LoadedRouter | undefined>;
  /** Forgets the tenant's active version (after a promotion in this process: it applies at once). */
  forgetActive(tenantId: string): void;
}

/** How long the tenant's active version is trusted before the store is asked again (a promotion through another process takes effect within it). */
const ACTIVE_TTL_MS = 5_000;

/**
 * Loads registered router artefacts once per process (an artefact version never changes) and
 * resolves `active` through the store with a short TTL.
 */
export function createLearnedRouterCache(versions: RouterVersionStore): LearnedRouterCache {
  const loaded = new Map<string, Promise<LoadedRouter | undefined>>();
  const active = new Map<string, { at: number; version: string | undefined }>();
  const load = (tenantId: string, version: string) => {
    const key = `${tenantId}\0${version}`;
    let entry = loaded.get(key);
    if (!entry) {
      entry = (async () => {
        const row = await versions.get(tenantId, version);
        if (!row) return undefined;
        const artefact = parseArtefact(await readFile(row.artefactPath, 'utf8'));
        return { version, kind: artefact.model.kind, router: routerFromArtefact(artefact), threshold: artefact.threshold.value };
      })();
      // A failed load (a missing file) is retried on the next request, not cached.
      entry.catch(() => loaded.delete(key));
      loaded.set(key, entry);
    }
    return entry;
  };
  return {
    async get(tenantId, version) {
      if (version !== ACTIVE) return load(tenantId, version);
      const cached = active.get(tenantId);
      let current = cached && Date.now() - cached.at < ACTIVE_TTL_MS ? cached.version : undefined;
      if (!cached || Date.now() - cached.at >= ACTIVE_TTL_MS) {
        current = (await versions.active(tenantId))?.version;
        active.set(tenantId, { at: Date.now(), version: current });
      }
      return current === undefined ? undefined : load(tenantId, current);
    },
    forgetActive(tenantId) {
      active.delete(tenantId);
    },
  };
}
