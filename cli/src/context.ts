/** What every command gets: its output, and the API client of the chosen profile (built on first use). */
import type { Command } from 'commander';
import { createClient, type SomaAgent } from './api.ts';
import { resolveCredentials, type Credentials } from './credentials.ts';
import { Output } from './output.ts';

/** The options every command accepts (declared on the root program). */
export interface GlobalOptions {
  json?: boolean;
  profile?: string;
}

export interface Context {
  out: Output;
  /** The `--profile` flag, when given. */
  profileFlag: string | undefined;
  credentials(): Promise<Credentials>;
  client(): Promise<SomaAgent>;
}

export function contextOf(command: Command): Context {
  const globals = command.optsWithGlobals<GlobalOptions>();
  let credentials: Promise<Credentials> | undefined;
  const context: Context = {
    out: new Output(globals.json === true),
    profileFlag: globals.profile,
    credentials: () => (credentials ??= resolveCredentials(globals.profile)),
    client: async () => createClient(await context.credentials()),
  };
  return context;
}
