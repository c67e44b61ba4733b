/** The documented exit codes (docs/docs/cli.md): scripts branch on them, so they never change. */
export const EXIT = {
  ok: 0,
  /** The API answered with an error, could not be reached, or something failed at run time. */
  failure: 1,
  /** Bad flags or arguments, or a request the CLI refuses (a non-empty directory, an invalid project). */
  usage: 2,
  /** No usable credentials: no API key, a key the server refuses, an unreadable config file. */
  auth: 3,
  /** The thing named does not exist (a run, a capsule, a profile). */
  notFound: 4,
  /** Ctrl-C (128 + SIGINT), as shells report it. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as it is: a readable message, an optional hint, and its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string, hint?: string) => new CliError(message, EXIT.usage, hint);
