import { emulatorBaseUrl, type Env } from '../../platform/config.ts';
import { createAnthropicProvider } from './anthropic-provider.ts';
import { createOpenAIProvider } from './openai-provider.ts';
import type { Provider, ProviderId } from './provider.ts';

export type ProviderSet = ReadonlyMap<ProviderId, Provider>;

/** A placeholder the SDKs accept; the emulator ignores it and local servers rarely check it. */
const NO_KEY = 'sk-no-key-needed';

/**
 * The configured providers. A vendor without a key is served by the provider emulator and every
 * answer from it is marked simulated; the local provider exists only when a base URL is set.
 */
export function createProviderSet(env: Env): ProviderSet {
  const emulator = emulatorBaseUrl(env);
  const timeoutMs = env.PROVIDER_TIMEOUT_MS;
  const providers = new Map<ProviderId, Provider>();
  providers.set(
    'openai',
    createOpenAIProvider({
      id: 'openai',
      apiKey: env.OPENAI_API_KEY ?? NO_KEY,
      baseURL: env.OPENAI_API_KEY ? env.OPENAI_BASE_URL : `${emulator}/v1`,
      simulated: !env.OPENAI_API_KEY,
      timeoutMs,
    }),
  );
  providers.set(
    'anthropic',
    createAnthropicProvider({
      apiKey: env.ANTHROPIC_API_KEY ?? NO_KEY,
      baseURL: env.ANTHROPIC_API_KEY ? env.ANTHROPIC_BASE_URL : emulator,
      simulated: !env.ANTHROPIC_API_KEY,
      timeoutMs,
    }),
  );
  if (env.LOCAL_MODEL_BASE_URL) {
    providers.set(
      'local',
      createOpenAIProvider({
        id: 'local',
        apiKey: env.LOCAL_MODEL_API_KEY ?? NO_KEY,
        baseURL: env.LOCAL_MODEL_BASE_URL,
        simulated: false,
        timeoutMs,
      }),
    );
  }
  return providers;
}
