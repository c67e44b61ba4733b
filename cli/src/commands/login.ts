/**
 * `somaagent login`: checks a key against the server and saves it in a profile. The key comes
 * from --api-key, SOMAAGENT_API_KEY, or a hidden prompt on a terminal.
 */
import type { Command } from 'commander';
import { APIError, createClient } from '../api.ts';
import { askSecret } from '../ask.ts';
import { configPath, PROFILE_NAME, readConfig, writeConfig } from '../config-file.ts';
import { contextOf } from '../context.ts';
import { DEFAULT_BASE_URL, keyPrefix, normalizeBaseURL, profileName } from '../credentials.ts';
import { CliError, EXIT, usageError } from '../exit-codes.ts';
import { isInteractive } from '../terminal.ts';

interface LoginOptions {
  apiKey?: string;
  baseUrl?: string;
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('verify an API key and save it (with the API address) in a profile')
    .option('--api-key <key>', 'the API key (default: SOMAAGENT_API_KEY, or asked for on a terminal)')
    .option('--base-url <url>', `the API address (default: SOMAAGENT_BASE_URL, the profile's, or ${DEFAULT_BASE_URL})`)
    .action(async (options: LoginOptions, command: Command) => {
      const { out, profileFlag } = contextOf(command);
      const path = configPath();
      const config = await readConfig(path);
      const profile = profileName(profileFlag, config);
      if (!PROFILE_NAME.test(profile)) throw usageError(`"${profile}" is not a profile name (letters, digits, ".", "_", "-")`);
      const saved = config.profiles[profile];
      const baseURL = normalizeBaseURL(options.baseUrl ?? (process.env.SOMAAGENT_BASE_URL || saved?.base_url || DEFAULT_BASE_URL));

      let apiKey = options.apiKey ?? (process.env.SOMAAGENT_API_KEY || undefined);
      if (!apiKey) {
        if (!isInteractive()) throw new CliError('no API key given', EXIT.auth, 'Pass --api-key, set SOMAAGENT_API_KEY, or run `somaagent login` on a terminal.');
        apiKey = await askSecret(`API key for ${baseURL}`);
      }

      const spinner = out.spinner(`Checking the key with ${baseURL} …`);
      try {
        // The cheapest authenticated call every key may make.
        await createClient({ apiKey, baseURL }).runs.list({ limit: 1 });
      } catch (err) {
        if (err instanceof APIError && err.status === 401) {
          throw new CliError(`${baseURL} refused the API key ${keyPrefix(apiKey)}: ${err.code ?? 'unauthorized'}`, EXIT.auth, 'Check the key: it is shown once when created, and may have been revoked.');
        }
        throw err;
      } finally {
        spinner.stop();
      }

      config.profiles[profile] = { api_key: apiKey, base_url: baseURL };
      // The first profile becomes current; later ones only when named the way they are used.
      const makeCurrent = !config.current_profile || !config.profiles[config.current_profile] || profileFlag === undefined;
      if (makeCurrent) config.current_profile = profile;
      await writeConfig(path, config);

      const result = { profile, base_url: baseURL, key_prefix: keyPrefix(apiKey), current: config.current_profile === profile, config_file: path };
      out.result(result, (r) => {
        out.line(`${out.style.green('✓')} Logged in to ${r.base_url} as profile ${out.style.bold(r.profile)} (key ${r.key_prefix}).`);
        out.note(`  saved to ${r.config_file}${r.current ? '' : `; make it current with \`somaagent profiles use ${r.profile}\``}`);
      });
    });
}
