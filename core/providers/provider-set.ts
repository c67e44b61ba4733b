import { declaresVariable, emulatorBaseUrl, type Env } from '../../platform/config.ts';
import type { ProviderAdapter, ProviderVars } from './provider-adapter.ts';
import { PROVIDER_ADAPTERS } from './provider-registry.ts';
import type { Provider, ProviderId } from './provider.ts';

export type ProviderSet = ReadonlyMap<ProviderId, Provider>;

/**
 * How each registered provider is served in this process. `simulated`: the provider emulator
 * stands in (development only); `not_configured`: its variable is unset and nothing stands in.
 */
export type ProviderStatus = 'real' | 'simulated' | 'not_configured';

export interface ProviderState {
  id: ProviderId;
  label: string;
  status: ProviderStatus;
  /** The variable that would make it real. */
  variable: string;
}

/** A placeholder the SDKs accept; the emulator ignores it and local servers rarely check it. */
const NO_KEY = 'sk-no-key-needed';

function reader(env: Env, vars: ProviderVars): (name: string | undefined) => string | undefined {
  return (name) => {
    if (name === undefined) return undefined;
    // Variables platform/config.ts declares come from the parsed Env (validated, and all a test's
    // overrides change, never the developer's shell); a new adapter's own variables from `vars`.
    const value = declaresVariable(name) ? (env as unknown as ProviderVars)[name] : vars[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
}

/**
 * Decides each provider's status: its required variable set makes it real; otherwise, outside
 * production, the emulator stands in for vendors it speaks (labelled simulated). In production
 * a vendor without its key is never simulated: its models answer 503 provider_not_configured.
 */
function plan(env: Env, vars: ProviderVars): { adapter: ProviderAdapter<ProviderId>; state: ProviderState; baseURL: string | undefined; apiKey: string }[] {
  const read = reader(env, vars);
  const production = env.SOMA_ENV === 'production';
  return PROVIDER_ADAPTERS.map((adapter: ProviderAdapter<ProviderId>) => {
    const real = read(adapter.env.required) !== undefined;
    const simulated = !real && !production && adapter.emulatorPath !== undefined;
    const status: ProviderStatus = real ? 'real' : simulated ? 'simulated' : 'not_configured';
    return {
      adapter,
      state: { id: adapter.id, label: adapter.label, status, variable: adapter.env.required },
      baseURL: simulated ? `${emulatorBaseUrl(env)}${adapter.emulatorPath}` : read(adapter.env.baseUrl),
      apiKey: (real && read(adapter.env.apiKey)) || NO_KEY,
    };
  });
}

/** Every registered provider's status, for the start banner and /readyz. */
export function providerStates(env: Env, vars: ProviderVars = process.env): ProviderState[] {
  return plan(env, vars).map((p) => p.state);
}

/** The callable providers: real ones, and (outside production) simulated stand-ins. */
export function createProviderSet(env: Env, vars: ProviderVars = process.env): ProviderSet {
  const providers = new Map<ProviderId, Provider>();
  for (const { adapter, state, baseURL, apiKey } of plan(env, vars)) {
    if (state.status === 'not_configured') continue;
    providers.set(adapter.id, adapter.create({ apiKey, baseURL, simulated: state.status === 'simulated', timeoutMs: env.PROVIDER_TIMEOUT_MS }));
  }
  return providers;
}
