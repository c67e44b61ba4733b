/**
 * What one vector store adapter declares, so that adding a vector store is one new file plus its
 * line in vector-store-registry.ts: its id (the VECTOR_STORE value), the variables it reads, and
 * how it is built for one embedding model and dimension. createVectorStore and the docs read the
 * registry; platform/config.ts only checks VECTOR_STORE's shape.
 */
import type { Env } from '../../platform/config.ts';
import type { Pool } from '../../platform/db/pool.ts';
import type { VariableReader } from '../../platform/variable-reader.ts';
import type { VectorStore } from './vector-store.ts';

export interface VectorStoreContext {
  /** Typed, validated settings for the variables platform/config.ts declares. */
  env: Env;
  /** Any variable by name: declared ones from `env`, an adapter's own from the raw environment. */
  read: VariableReader;
  /** The deployment's Postgres, for stores that live in it. */
  pool: Pool;
  /** The vectors the store will hold: never mixed across models, fixed length. */
  embedding: { model: string; dimension: number };
}

export interface VectorStoreAdapter<Id extends string = string> {
  /** The VECTOR_STORE value that selects it. */
  readonly id: Id;
  /** For people: errors and the docs. */
  readonly label: string;
  /** Every variable it reads, for the docs and for error messages. */
  readonly variables: readonly string[];
  /**
   * Builds the store, throwing ConfigError when a setting is missing or wrong, and checks what it
   * can at start (an index of another dimension is a start-up error, not a per-request one).
   */
  create(context: VectorStoreContext): Promise<VectorStore>;
}
