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
import { runEmulatorMain } from '../emulator-main.ts';
import { createPineconeEmulator, DEFAULT_INDEX_NAME } from './create-pinecone-emulator.ts';

await runEmulatorMain({
  name: 'pinecone emulator',
  envSchema: z.object({
    PINECONE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(5081),
    PINECONE_EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    PINECONE_EMULATOR_DIMENSION: z.coerce.number().int().min(1).max(20_000).default(384),
    PINECONE_EMULATOR_INDEX: z.string().min(1).default(DEFAULT_INDEX_NAME),
    PINECONE_EMULATOR_API_KEY: z.string().min(1).optional(),
    PINECONE_EMULATOR_LATENCY_MS: z.coerce.number().nonnegative().default(0),
  }),
  start: (env) =>
    createPineconeEmulator({
      dimension: env.PINECONE_EMULATOR_DIMENSION,
      port: env.PINECONE_EMULATOR_PORT,
      host: env.PINECONE_EMULATOR_HOST,
      indexName: env.PINECONE_EMULATOR_INDEX,
      latencyMs: env.PINECONE_EMULATOR_LATENCY_MS,
      ...(env.PINECONE_EMULATOR_API_KEY !== undefined && { apiKey: env.PINECONE_EMULATOR_API_KEY }),
    }),
  banner: (emulator) => [
    `pinecone emulator (in-memory, cosine, dimension ${emulator.dimension}) listening on ${emulator.url}`,
    `  PINECONE_INDEX_HOST=${emulator.url}`,
    `  or PINECONE_INDEX=${emulator.indexName} PINECONE_CONTROLLER_HOST=${emulator.url}`,
    `  control API: ${emulator.url}/_emulator/{stats,faults,config,reset}`,
  ],
});
