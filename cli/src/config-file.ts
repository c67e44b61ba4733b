/**
 * The CLI's config file: named profiles (API key and base URL) and which one is current.
 * `~/.config/somaagent/config.json` (or under XDG_CONFIG_HOME; SOMAAGENT_CONFIG names the file
 * outright), written atomically with mode 0600 because it holds API keys.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CliError, EXIT } from './exit-codes.ts';

export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/;

const ProfileSchema = z.object({ api_key: z.string().min(1), base_url: z.string().min(1) });

const ConfigSchema = z.object({
  current_profile: z.string().optional(),
  profiles: z.record(z.string(), ProfileSchema).default({}),
});

export type ProfileConfig = z.infer<typeof ProfileSchema>;
export type ConfigFile = z.infer<typeof ConfigSchema>;

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SOMAAGENT_CONFIG) return env.SOMAAGENT_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'somaagent', 'config.json');
}

/** The config file, or an empty one when it does not exist yet. */
export async function readConfig(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new CliError(`cannot read the config file ${path}: ${(err as Error).message}`, EXIT.auth);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliError(`the config file ${path} is not valid JSON`, EXIT.auth, 'Fix it, or delete it and run `somaagent login` again.');
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]!;
    throw new CliError(`the config file ${path} is invalid (${problem.path.join('.')}: ${problem.message})`, EXIT.auth, 'Fix it, or delete it and run `somaagent login` again.');
  }
  return parsed.data;
}

/** Writes the whole file: a temporary file (0600) renamed into place, so a crash never leaves half a file. */
export async function writeConfig(path: string, config: ConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
