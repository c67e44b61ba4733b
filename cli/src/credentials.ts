/**
 * Which profile, key and server a command uses. Precedence, highest first: the `--profile`
 * flag, then SOMAAGENT_PROFILE, then the config file's current profile, then "default"; the
 * key and URL from SOMAAGENT_API_KEY / SOMAAGENT_BASE_URL override the profile's.
 */
import { CliError, EXIT, usageError } from './exit-codes.ts';
import { configPath, readConfig, type ConfigFile } from './config-file.ts';

export const DEFAULT_BASE_URL = 'http://localhost:8080';
export const DEFAULT_PROFILE = 'default';

export interface Credentials {
  profile: string;
  apiKey: string;
  baseURL: string;
}

export function profileName(flag: string | undefined, config: ConfigFile, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env.SOMAAGENT_PROFILE || undefined) ?? config.current_profile ?? DEFAULT_PROFILE;
}

/** Only a prefix of a key is ever shown: enough to tell keys apart, useless to an onlooker. */
export function keyPrefix(key: string): string {
  return key.length <= 12 ? `${key.slice(0, 4)}…` : `${key.slice(0, 12)}…`;
}

/** An http(s) URL without a trailing slash; anything else is a usage error. */
export function normalizeBaseURL(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`"${raw}" is not a URL`, 'Give the API address, e.g. --base-url http://localhost:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`"${raw}" is not an http(s) URL`);
  return url.toString().replace(/\/+$/, '');
}

export async function resolveCredentials(profileFlag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const path = configPath(env);
  const config = await readConfig(path);
  const profile = profileName(profileFlag, config, env);
  const saved = config.profiles[profile];
  const apiKey = env.SOMAAGENT_API_KEY || saved?.api_key;
  if (!apiKey) {
    const explicit = profileFlag !== undefined || Boolean(env.SOMAAGENT_PROFILE);
    throw new CliError(
      explicit ? `no profile "${profile}" in ${path}` : 'not logged in: no API key',
      EXIT.auth,
      `Run \`somaagent login${profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`}\`, or set SOMAAGENT_API_KEY.`,
    );
  }
  const baseURL = normalizeBaseURL(env.SOMAAGENT_BASE_URL || saved?.base_url || DEFAULT_BASE_URL);
  return { profile, apiKey, baseURL };
}
