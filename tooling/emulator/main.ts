/**
 * CLI entry: `npm run emulator`. Configured by environment so the dev stack, load runs and
 * chaos runs can start it the same way:
 *   EMULATOR_PORT (default 4010), EMULATOR_HOST (default 127.0.0.1), EMULATOR_LATENCY_MS (default 0),
 *   EMULATOR_CHUNK_DELAY_MS (default 0), EMULATOR_REQUIRE_API_KEY (unset: any key is accepted).
 */
import { z } from 'zod';
import { createEmulator } from './create-emulator.ts';

const envSchema = z.object({
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  EMULATOR_LATENCY_MS: z.coerce.number().nonnegative().default(0),
  EMULATOR_CHUNK_DELAY_MS: z.coerce.number().nonnegative().default(0),
  EMULATOR_REQUIRE_API_KEY: z.string().min(1).optional(),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(`emulator: invalid environment\n${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const env = parsed.data;

const emulator = await createEmulator({
  port: env.EMULATOR_PORT,
  host: env.EMULATOR_HOST,
  latencyMs: env.EMULATOR_LATENCY_MS,
  chunkDelayMs: env.EMULATOR_CHUNK_DELAY_MS,
  ...(env.EMULATOR_REQUIRE_API_KEY !== undefined && { requireApiKey: env.EMULATOR_REQUIRE_API_KEY }),
});
console.log(`provider emulator (simulated output) listening on ${emulator.url}`);
console.log(`  OpenAI base URL:    ${emulator.openaiBaseURL}`);
console.log(`  Anthropic base URL: ${emulator.url}`);
console.log(`  control API:        ${emulator.url}/_emulator/{stats,faults,config,reset}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
