/**
 * What both emulators' CLI entries share: settings from the environment (zod-checked, exit 2 with
 * the reasons when wrong), a banner once listening, and a clean close on Ctrl-C / SIGTERM.
 */
import { z } from 'zod';

export interface RunningEmulator {
  close(): Promise<void>;
}

export interface EmulatorEntry<S extends z.ZodType, E extends RunningEmulator> {
  /** Used in the error message, e.g. `pinecone emulator`. */
  name: string;
  envSchema: S;
  start(env: z.output<S>): Promise<E>;
  /** Lines printed once the emulator listens. */
  banner(emulator: E): string[];
}

export async function runEmulatorMain<S extends z.ZodType, E extends RunningEmulator>(entry: EmulatorEntry<S, E>): Promise<void> {
  const parsed = entry.envSchema.safeParse(process.env);
  if (!parsed.success) {
    console.error(`${entry.name}: invalid environment\n${z.prettifyError(parsed.error)}`);
    process.exit(2);
  }
  const emulator = await entry.start(parsed.data);
  for (const line of entry.banner(emulator)) console.log(line);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      emulator.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
