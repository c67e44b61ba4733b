/**
 * Every provider SomaAgent can call, one adapter file each. Adding a provider is writing its
 * adapter (see provider-adapter.ts and docs/docs/concepts/providers.md) and listing it here:
 * the ProviderId type, the API's zod and OpenAPI enums, the provider set, the production guard
 * and /readyz all read this list.
 */
import { anthropicProvider } from './anthropic-provider.ts';
import { localProvider } from './local-provider.ts';
import { openaiProvider } from './openai-provider.ts';

export const PROVIDER_ADAPTERS = [openaiProvider, anthropicProvider, localProvider] as const;

export type RegisteredProviderId = (typeof PROVIDER_ADAPTERS)[number]['id'];

/** A non-empty tuple, as z.enum and OpenAPI `enum` want it. */
export const PROVIDER_IDS = PROVIDER_ADAPTERS.map((adapter) => adapter.id) as [RegisteredProviderId, ...RegisteredProviderId[]];

export function providerAdapter(id: string): (typeof PROVIDER_ADAPTERS)[number] | undefined {
  return PROVIDER_ADAPTERS.find((adapter) => adapter.id === id);
}

/** The provider a registry id conventionally belongs to (`gpt-*` → openai), from the adapters' patterns. */
export function providerForModel(modelId: string): RegisteredProviderId | undefined {
  return PROVIDER_ADAPTERS.find((adapter) => adapter.models.some((pattern) => pattern.test(modelId)))?.id;
}
