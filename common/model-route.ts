import type { ProviderId } from '../activities/providers/provider.ts';

export interface ModelRoute {
  provider: ProviderId;
  /** The name the provider's API expects. */
  model: string;
}

const OPENAI_PREFIXES = ['gpt-', 'o1', 'o3', 'o4', 'chatgpt-', 'text-', 'davinci', 'babbage'];

/**
 * Which provider serves a model name. Explicit prefixes (`openai/`, `anthropic/`, `local/`) win;
 * otherwise well-known vendor name patterns decide. Unknown names return undefined so the API
 * can answer 400 before any workflow starts. (The model registry replaces the patterns later.)
 */
export function routeModel(name: string): ModelRoute | undefined {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const prefix = name.slice(0, slash);
    const model = name.slice(slash + 1);
    if (!model) return undefined;
    if (prefix === 'openai' || prefix === 'anthropic' || prefix === 'local') return { provider: prefix, model };
    return undefined;
  }
  if (name.startsWith('claude-')) return { provider: 'anthropic', model: name };
  if (OPENAI_PREFIXES.some((p) => name.startsWith(p))) return { provider: 'openai', model: name };
  return undefined;
}
