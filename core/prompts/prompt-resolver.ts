/**
 * Name + label (or version) → template version, cached. Versions are immutable, so a version is
 * cached until evicted; what a label (or the default) points to is cached for `labelTtlMs`, and
 * forgotten at once when this process moves the label. Another process sees a move within the
 * TTL. Concurrent misses for the same key share one query.
 */
import type { VersionSelector } from './prompt-types.ts';
import type { PromptTemplateStore, PromptVersion } from '../../stores/prompt-templates.ts';
import { LruCache } from './lru-cache.ts';

export interface PromptResolverOptions {
  labelTtlMs?: number;
  maxEntries?: number;
}

export interface PromptResolver {
  resolve(tenantId: string, name: string, selector: VersionSelector): Promise<PromptVersion>;
  /** Drops what this process cached about a template (call after moving one of its labels). */
  forget(tenantId: string, name: string): void;
}

const SEP = '\u0000';

export function createPromptResolver(store: Pick<PromptTemplateStore, 'getVersion'>, options: PromptResolverOptions = {}): PromptResolver {
  const ttl = options.labelTtlMs ?? 2_000;
  const versions = new LruCache<string, PromptVersion>(options.maxEntries ?? 10_000);
  const labels = new LruCache<string, { version: PromptVersion; expires: number }>(options.maxEntries ?? 10_000);
  const inflight = new Map<string, Promise<PromptVersion>>();

  async function fetch(key: string, tenantId: string, name: string, selector: VersionSelector): Promise<PromptVersion> {
    const pending = inflight.get(key);
    if (pending) return pending;
    const request = store.getVersion(tenantId, name, selector).finally(() => inflight.delete(key));
    inflight.set(key, request);
    const version = await request;
    versions.set(`${tenantId}${SEP}${name}${SEP}#${version.version}`, version);
    return version;
  }

  return {
    async resolve(tenantId, name, selector) {
      const prefix = `${tenantId}${SEP}${name}${SEP}`;
      if (selector.version !== undefined) {
        const key = `${prefix}#${selector.version}`;
        return versions.get(key) ?? fetch(key, tenantId, name, selector);
      }
      const key = `${prefix}@${selector.label ?? ''}`;
      const hit = labels.get(key);
      if (hit && hit.expires > performance.now()) return hit.version;
      const version = await fetch(key, tenantId, name, selector);
      labels.set(key, { version, expires: performance.now() + ttl });
      return version;
    },
    forget(tenantId, name) {
      const prefix = `${tenantId}${SEP}${name}${SEP}`;
      labels.deleteWhere((key) => key.startsWith(prefix));
    },
  };
}
