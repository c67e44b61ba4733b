/**
 * CLI entry: `npm run emulator`. Configured by environment so the dev stack, load runs and
 * chaos runs can start it the same way:
 *   EMULATOR_PORT (default 4010), EMULATOR_HOST (default 127.0.0.1), EMULATOR_LATENCY_MS (default 0),
 *   EMULATOR_CHUNK_DELAY_MS (default 0), EMULATOR_REQUIRE_API_KEY (unset: any key is accepted).
 */
import { z } from 'zod';
import { createEmulator } from './create-emulator.ts';
import { runEmulatorMain } from './emulator-main.ts';

await runEmulatorMain({
  name: 'emulator',
  envSchema: z.object({
    EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
    EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    EMULATOR_LATENCY_MS: z.coerce.number().nonnegative().default(0),
    EMULATOR_CHUNK_DELAY_MS: z.coerce.number().nonnegative().default(0),
    EMULATOR_REQUIRE_API_KEY: z.string().min(1).optional(),
  }),
  start: (env) =>
    createEmulator({
      port: env.EMULATOR_PORT,
      host: env.EMULATOR_HOST,
      latencyMs: env.EMULATOR_LATENCY_MS,
      chunkDelayMs: env.EMULATOR_CHUNK_DELAY_MS,
      ...(env.EMULATOR_REQUIRE_API_KEY !== undefined && { requireApiKey: env.EMULATOR_REQUIRE_API_KEY }),
    }),
  banner: (emulator) => [
    `provider emulator (simulated output) listening on ${emulator.url}`,
    `  OpenAI base URL:    ${emulator.openaiBaseURL}`,
    `  Anthropic base URL: ${emulator.url}`,
    `  control API:        ${emulator.url}/_emulator/{stats,faults,config,reset}`,
  ],
});
