/**
 * Turns any failure into a readable message on stderr (or a JSON error with `--json`) and the
 * documented exit code: auth problems 3, missing things 4, other API and runtime failures 1.
 */
import { APIConnectionError, APIError, connectionMessage, isMissingRoute } from './api.ts';
import { CliError, EXIT, type ExitCode } from './exit-codes.ts';
import { stopActiveSpinner } from './spinner.ts';
import { styleFor } from './terminal.ts';

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof APIError) {
    if (err.status === 401 || err.status === 403) return EXIT.auth;
    if (err.status === 404 && !isMissingRoute(err)) return EXIT.notFound;
    return EXIT.failure;
  }
  return EXIT.failure;
}

function hintFor(err: unknown): string | undefined {
  if (err instanceof CliError) return err.hint;
  if (err instanceof APIConnectionError) return 'Is the platform running (`somaagent dev`)? Check the address: --base-url, SOMAAGENT_BASE_URL, `somaagent profiles list`.';
  if (err instanceof APIError) {
    if (err.status === 401) return 'The API key was refused: run `somaagent login` again, or check SOMAAGENT_API_KEY.';
    if (err.status === 403) return 'This needs a key with more rights (an admin key).';
    if (isMissingRoute(err)) return 'The server does not have this endpoint: it may be older than this CLI.';
  }
  return undefined;
}

/** The API's own message, without the SDK's "404 run_not_found: " prefix (the code is shown below it). */
function messageOf(err: unknown): string {
  if (err instanceof APIConnectionError) return connectionMessage(err);
  if (err instanceof APIError && err.code) {
    const prefix = `${err.status} ${err.code}: `;
    return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function problemsOf(err: APIError): string[] {
  if (!Array.isArray(err.details)) return [];
  return err.details
    .filter((d): d is { path?: string; message: string } => typeof d === 'object' && d !== null && typeof (d as { message?: unknown }).message === 'string')
    .map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
}

/** Prints the error and returns the exit code to end with. */
export function reportError(err: unknown, json: boolean): ExitCode {
  stopActiveSpinner();
  const exitCode = exitCodeFor(err);
  // A CliError without a message only carries an exit code (the command has said enough).
  if (err instanceof CliError && err.message === '') return exitCode;
  const message = messageOf(err);
  if (json) {
    const api = err instanceof APIError ? { status: err.status, type: err.type, code: err.code, request_id: err.requestId ?? null, details: err.details ?? null } : {};
    process.stderr.write(`${JSON.stringify({ error: { message, exit_code: exitCode, ...api, hint: hintFor(err) ?? null } })}\n`);
    return exitCode;
  }
  const style = styleFor(process.stderr);
  const lines = [`${style.red('error:')} ${message}`];
  if (err instanceof APIError) {
    for (const problem of problemsOf(err)) lines.push(`  - ${problem}`);
    lines.push(style.dim(`  ${err.status} ${err.code ?? ''}${err.requestId ? ` · request ${err.requestId}` : ''}`));
  }
  const hint = hintFor(err);
  if (hint) lines.push(style.dim(`  hint: ${hint}`));
  if (process.env.SOMAAGENT_DEBUG && err instanceof Error && !(err instanceof CliError) && err.stack) lines.push(style.dim(err.stack));
  process.stderr.write(`${lines.join('\n')}\n`);
  return exitCode;
}
