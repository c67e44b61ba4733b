/** Shapes shared by the memory API, its workflows and activities. Types only (workflow-safe). */

export interface IngestItem {
  /** Names the document within its collection (a path or URL); re-ingesting a source replaces it. */
  source: string;
  /** Staged content (the API stores request text first, so workflow inputs stay small). */
  uploadId?: string;
  /** Fetched by an activity when there is no upload. */
  url?: string;
  mime?: string;
  title?: string;
  metadata?: Record<string, string | number | boolean | string[]>;
}

export interface IngestInput {
  tenantId: string;
  collection: string;
  items: IngestItem[];
  /** Chunks per embedding activity. */
  batchSize?: number;
}

export interface DocumentProgress {
  source: string;
  documentId?: string;
  status: 'pending' | 'unchanged' | 'embedding' | 'ready' | 'failed';
  chunks: number;
  embedded: number;
  error?: string;
}

export interface IngestProgress {
  collection: string;
  total: number;
  done: number;
  chunksTotal: number;
  chunksEmbedded: number;
  documents: DocumentProgress[];
  /** Workflow time (ms since the epoch) the run started, and of its last step. */
  startedAtMs?: number;
  updatedAtMs?: number;
  /** Chunks already embedded when the run found them (unchanged or resumed documents). */
  chunksAtStart?: number;
  /** Set once every document is done. */
  finished?: boolean;
}

export interface PreparedDocument {
  documentId: string;
  outcome: 'unchanged' | 'resumed' | 'created' | 'replaced';
  pending: string[];
  chunkCount: number;
}

export type SearchSource =
  | { type: 'document'; document_id: string; source: string; title: string; collection: string; seq: number; heading_path: string }
  | { type: 'conversation'; conversation_id: string; role: 'system' | 'user' | 'assistant'; seq: number; created_at: string };

/** What to retrieve for a RAG answer or for memory injected into a completion. */
export interface RetrieveInput {
  tenantId: string;
  query: string;
  k: number;
  /** Most tokens the passages may take in the prompt. */
  budgetTokens: number;
  mode?: 'hybrid' | 'dense' | 'keyword';
  documents?: boolean;
  conversations?: boolean;
  collections?: string[] | undefined;
  conversationId?: string | undefined;
}
