/**
 * Every embedder SomaAgent can embed memory with, one adapter each. Adding one is writing its
 * adapter (see embedder-adapter.ts and docs/docs/memory/embeddings.md) and listing it here:
 * createEmbedder resolves EMBEDDING_MODEL's `<embedder>/` prefix against this list.
 */
import { localEmbedder } from './local-minilm-embedder.ts';
import { openaiEmbedder } from './openai-embedder.ts';

export const EMBEDDER_ADAPTERS = [localEmbedder, openaiEmbedder] as const;

export type EmbedderId = (typeof EMBEDDER_ADAPTERS)[number]['id'];

export const EMBEDDER_IDS = EMBEDDER_ADAPTERS.map((adapter) => adapter.id) as [EmbedderId, ...EmbedderId[]];

export function embedderAdapter(id: string): (typeof EMBEDDER_ADAPTERS)[number] | undefined {
  return EMBEDDER_ADAPTERS.find((adapter) => adapter.id === id);
}
