/**
 * What one provider adapter file declares, so that adding a provider is one new file plus its
 * line in provider-registry.ts: its id, the environment variables it reads, how it builds its
 * client over its official SDK, which model ids are conventionally its own, and how it
 * classifies its SDK's errors. Everything else (ProviderId, the zod and OpenAPI enums, the
 * provider set, the production guard, /readyz) reads the registry.
 */
import type { Provider } from './provider.ts';
import type { ProviderError } from './provider-error.ts';

/** The raw environment (process.env, or a test's overrides): each adapter reads its own keys. */
export type ProviderVars = Readonly<Record<string, string | undefined>>;

/** Everything an adapter needs to build its client, resolved by the provider set. */
export interface ProviderConnection {
  /** A placeholder when the provider has no key (emulator, local servers that check none). */
  apiKey: string;
  /** Undefined: the SDK's default (the vendor's own API). */
  baseURL: string | undefined;
  /** True when the provider emulator stands in, so every answer is labelled simulated. */
  simulated: boolean;
  /** Time allowed until the response starts. */
  timeoutMs: number;
}

export interface ProviderAdapter<Id extends string = string> {
  readonly id: Id;
  /** For people: the start banner and the docs. */
  readonly label: string;
  readonly env: {
    /** The variable that makes the provider real; production names it when it is missing. */
    readonly required: string;
    /** The variable holding its key, if it takes one (may be the required one). */
    readonly apiKey?: string;
    /** The variable overriding its base URL, if any (may be the required one). */
    readonly baseUrl?: string;
  };
  /**
   * The emulator path that speaks this provider's wire format (`/v1` for OpenAI's), when the
   * emulator can stand in for it outside production. Absent: unconfigured means unavailable.
   */
  readonly emulatorPath?: string;
  /** Registry ids that are conventionally this provider's (`gpt-*`, `claude-*`, `local/*`). */
  readonly models: readonly RegExp[];
  /** Builds the client over the vendor's official SDK. */
  create(connection: ProviderConnection): Provider;
  /**
   * This SDK's own errors as a ProviderError (statuses, timeouts, connection drops); undefined
   * for anything the SDK did not throw, which the shared classifier handles.
   */
  classify(error: unknown): ProviderError | undefined;
}
