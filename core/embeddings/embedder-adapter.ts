/**
 * What one embedder adapter declares, so that adding an embedder is one new file plus its line in
 * embedder-registry.ts: its id (the `<embedder>` prefix of EMBEDDING_MODEL=`<embedder>/<model>`),
 * the variables it reads, and how it builds an Embedder for a model name. createEmbedder and the
 * docs read the registry; platform/config.ts only checks EMBEDDING_MODEL's shape.
 */
import type { Env } from '../../platform/config.ts';
import type { VariableReader } from '../../platform/variable-reader.ts';
import type { Embedder } from './embedder.ts';

export interface EmbedderContext {
  /** Typed, validated settings for the variables platform/config.ts declares. */
  env: Env;
  /** Any variable by name: declared ones from `env`, an adapter's own from the raw environment. */
  read: VariableReader;
}

export interface EmbedderAdapter<Id extends string = string> {
  /** The EMBEDDING_MODEL prefix that selects it (`local`, `openai`). */
  readonly id: Id;
  /** For people: errors and the docs. */
  readonly label: string;
  /** Every variable it reads, for the docs and for error messages. */
  readonly variables: readonly string[];
  /**
   * The embedder for `model` (EMBEDDING_MODEL after the slash), throwing ConfigError when the
   * model or a setting cannot work. Its `id` must be `<adapter id>/<model>`: stored vectors are
   * labelled with it.
   */
  create(model: string, context: EmbedderContext): Embedder;
}
