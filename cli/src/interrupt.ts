/**
 * Ctrl-C ends the CLI with exit code 130. A command that owns a child process (`dev`) takes
 * the signal over to let the child stop cleanly first.
 */
import { EXIT } from './exit-codes.ts';
import { stopActiveSpinner } from './spinner.ts';

let override: (() => void) | undefined;

/** Replaces the default (exit 130 at once) while `handler` is set; undefined restores it. */
export function handleInterrupt(handler: (() => void) | undefined): void {
  override = handler;
}

export function exitInterrupted(): never {
  stopActiveSpinner();
  process.exit(EXIT.interrupted);
}

export function installInterruptHandling(): void {
  process.on('SIGINT', () => {
    if (override) override();
    else exitInterrupted();
  });
}
