/**
 * CLI entry: `npm run emulator:pinecone`. A local Pinecone index for development and tests,
 * configured by environment:
 *   PINECONE_EMULATOR_PORT (default 5081), PINECONE_EMULATOR_HOST (default 127.0.0.1),
 *   PINECONE_EMULATOR_DIMENSION (default 384, the local embedding model's),
 *   PINECONE_EMULATOR_INDEX (default soma-local), PINECONE_EMULATOR_API_KEY (unset: any key is
 *   accepted), PINECONE_EMULATOR_LATENCY_MS (default 0).
 * Data lives in memory and is gone when the process stops.
 */
import { z } from 'zod';
import { createPineconeEmulator, DEFAULT_INDEX_NAME } from './create-pinecone-emulator.ts';

const envSchema = z.object({
  PINECONE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(5081),
  PINECONE_EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  PINECONE_EMULATOR_DIMENSION: z.coerce.number().int().min(1).max(20_000).default(384),
  PINECONE_EMULATOR_INDEX: z.string().min(1).default(DEFAULT_INDEX_NAME),
  PINECONE_EMULATOR_API_KEY: z.string().min(1).optional(),
  PINECONE_EMULATOR_LATENCY_MS: z.coerce.number().nonnegative().default(0),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(`pinecone emulator: invalid environment\n${z.prettifyError(parsed.error)}`);
  process.exit(2);
}
const env = parsed.data;

const emulator = await createPineconeEmulator({
  dimension: env.PINECONE_EMULATOR_DIMENSION,
  port: env.PINECONE_EMULATOR_PORT,
  host: env.PINECONE_EMULATOR_HOST,
  indexName: env.PINECONE_EMULATOR_INDEX,
  latencyMs: env.PINECONE_EMULATOR_LATENCY_MS,
  ...(env.PINECONE_EMULATOR_API_KEY !== undefined && { apiKey: env.PINECONE_EMULATOR_API_KEY }),
});
console.log(`pinecone emulator (in-memory, cosine, dimension ${emulator.dimension}) listening on ${emulator.url}`);
console.log(`  PINECONE_INDEX_HOST=${emulator.url}`);
console.log(`  or PINECONE_INDEX=${emulator.indexName} PINECONE_CONTROLLER_HOST=${emulator.url}`);
console.log(`  control API: ${emulator.url}/_emulator/{stats,faults,config,reset}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
