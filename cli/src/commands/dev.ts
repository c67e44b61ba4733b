/**
 * `somaagent dev`: the local platform, by running the repository's own start command
 * (`npm start`) in the foreground. Ctrl-C and SIGTERM are passed on, and the CLI waits for the
 * stack to stop before it exits.
 */
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { contextOf } from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { handleInterrupt } from '../interrupt.ts';
import { isRepository, REPO_ROOT } from '../repo-root.ts';

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('start the local platform (API, worker, Temporal, Postgres, emulator) until Ctrl-C')
    .action(async (_options: unknown, command: Command) => {
      const { out } = contextOf(command);
      if (!isRepository()) throw new CliError(`no SomaAgent repository at ${REPO_ROOT}`, EXIT.failure, '`somaagent dev` runs the platform from the repository the CLI belongs to.');
      out.note(`Starting the platform from ${REPO_ROOT} (npm start) …`);
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      const child = spawn(npm, ['start'], { cwd: REPO_ROOT, stdio: 'inherit', env: process.env });

      let interrupted = false;
      const forward = (signal: NodeJS.Signals) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      };
      // Ctrl-C reaches the whole foreground process group already; passing it on covers a
      // `kill -INT` sent to the CLI alone (the stack ignores a second one while stopping).
      handleInterrupt(() => {
        interrupted = true;
        forward('SIGINT');
      });
      const onTerm = () => forward('SIGTERM');
      process.on('SIGTERM', onTerm);
      process.on('SIGHUP', onTerm);

      const code = await new Promise<number>((resolve, reject) => {
        child.once('error', (err) => reject(new CliError(`cannot run npm start: ${err.message}`)));
        child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal === 'SIGINT' ? EXIT.interrupted : EXIT.failure)));
      }).finally(() => {
        handleInterrupt(undefined);
        process.off('SIGTERM', onTerm);
        process.off('SIGHUP', onTerm);
      });
      if (interrupted) {
        out.note('The platform has stopped.');
        throw new CliError('', EXIT.interrupted);
      }
      if (code !== 0) throw new CliError(`the platform stopped with exit code ${code}`, EXIT.failure);
    });
}
