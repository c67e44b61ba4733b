/**
 * The frame every stack benchmark shares: knobs from the environment, a private stack, Ctrl-C and
 * a watchdog that always stop it, a kept log when a run fails, and one JSON object as the very
 * last line of stdout.
 */
import { keptLogPath, startBenchStack, stopAllStacks, type BenchStack } from './bench-stack.ts';
import { fmt } from './stats.ts';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface BenchSpec<T> {
  /** Extra environment for the stack. */
  stackEnv?: NodeJS.ProcessEnv;
  measure(stack: BenchStack): Promise<T>;
  /** Prints the report and returns the summary that becomes the last line of stdout. */
  finish(result: T, startupSeconds: number): Record<string, unknown>;
}

export interface BenchRun {
  /** Set on Ctrl-C / SIGTERM / the watchdog: every loop stops issuing calls. */
  readonly aborted: boolean;
  /** Progress to stderr; once interrupted, only the shutdown itself is reported. */
  note(line: string, always?: boolean): void;
  /** Counts a failed call by where and why, for the report. */
  countError(where: string, err: unknown): void;
  errorCount(): number;
  /** A blank line, `Errors` and one line per kind; nothing when no call failed. */
  errorLines(): string[];
  /** Starts the stack, runs `measure`, stops the stack, then `finish`; exits the process. */
  run<T>(spec: BenchSpec<T>): void;
}

export function benchRun(maxSeconds: number): BenchRun {
  let aborted = false;
  let finishing = false;
  const errors: Record<string, number> = {};
  const note = (line: string, always = false) => {
    if (!aborted || always) process.stderr.write(`[bench] ${line}\n`);
  };
  const abort = async (reason: string, code: number): Promise<never> => {
    aborted = true;
    if (!finishing) {
      finishing = true;
      note(`${reason}: stopping the stack ...`, true);
      await stopAllStacks();
    }
    process.exit(code);
  };

  const main = async <T>(spec: BenchSpec<T>) => {
    process.on('SIGINT', () => void abort('interrupted', 130));
    process.on('SIGTERM', () => void abort('terminated', 143));
    const watchdog = setTimeout(() => void abort(`the run took longer than BENCH_MAX_SECONDS=${maxSeconds}`, 1), maxSeconds * 1000);
    watchdog.unref();
    const t0 = performance.now();
    const stack = await startBenchStack({ log: note, ...(spec.stackEnv && { env: spec.stackEnv }) });
    const startupSeconds = (performance.now() - t0) / 1000;
    note(`stack ready in ${fmt(startupSeconds)} s: API ${stack.apiUrl}, emulator ${stack.emulatorUrl}`);
    let result: T;
    try {
      result = await spec.measure(stack);
    } catch (err) {
      // Interrupted: abort() is stopping the stack and exits; calls failing meanwhile are expected.
      if (aborted) return new Promise<never>(() => undefined);
      const kept = keptLogPath();
      note(`error: ${err instanceof Error ? err.message : String(err)}; the stack's output is kept in ${kept}`);
      finishing = true;
      await stack.stop({ keepLogAs: kept });
      process.exit(1);
    }
    finishing = true;
    note('stopping the stack ...');
    await stack.stop();
    clearTimeout(watchdog);
    const summary = spec.finish(result, startupSeconds);
    // Must stay the last line of stdout.
    process.stdout.write(`${JSON.stringify(summary)}\n`, () => process.exit(0));
  };

  return {
    get aborted() {
      return aborted;
    },
    note,
    countError(where, err) {
      const kind = err instanceof Error ? err.message.slice(0, 120) : String(err);
      const key = `${where}: ${kind}`;
      errors[key] = (errors[key] ?? 0) + 1;
    },
    errorCount: () => Object.values(errors).reduce((a, b) => a + b, 0),
    errorLines() {
      const kinds = Object.entries(errors);
      return kinds.length ? ['', 'Errors', ...kinds.map(([k, v]) => `  ${v} x ${k}`)] : [];
    },
    run(spec) {
      main(spec).catch(async (err: unknown) => {
        note(`error: ${err instanceof Error ? err.message : String(err)}`);
        if (!finishing) {
          finishing = true;
          await stopAllStacks();
        }
        process.exit(1);
      });
    },
  };
}

/** The API is ready before the worker has bundled its workflows: wait for one real answer. */
export async function waitForFirstCompletion(call: () => Promise<unknown>): Promise<void> {
  const deadline = performance.now() + 120_000;
  for (let attempt = 1; attempt <= 120; attempt++) {
    try {
      await call();
      return;
    } catch (err) {
      if (performance.now() > deadline) throw new Error(`no completion through the API within 120 s: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(1_000);
    }
  }
  throw new Error('no completion through the API after 120 attempts');
}
