import type { Role } from './shared.js';

/** A value of a document's metadata (what filters compare). */
export type MetadataValue = string | number | boolean | string[];

export type DocumentMime = 'text/plain' | 'text/markdown' | 'text/html';

/**
 * One document to ingest: its content as `text` (text, markdown or HTML), or a `url` to fetch
 * it from (exactly one of the two). `source` names it in its collection (a path or URL):
 * ingesting the same source again replaces it, or does nothing when its content is unchanged.
 */
export type DocumentInput = {
  source: string;
  /** Default: from the source's extension, else text/plain. */
  mime?: DocumentMime;
  title?: string;
  /** Filterable in `memory.search({ metadata })`. */
  metadata?: Record<string, MetadataValue>;
} & ({ text: string; url?: never } | { url: string; text?: never });

/** The body of `POST /v1/memory/documents`. */
export interface DocumentIngestParams {
  /** Lowercase letters, digits, `.`, `_` and `-` (default `default`). */
  collection?: string;
  /** 1..500, with distinct sources. */
  documents: DocumentInput[];
  /** Wait for the ingestion to finish and answer with its summary (otherwise 202 with the run). */
  wait?: boolean;
}

export type DocumentIngestParamsWait = DocumentIngestParams & { wait: true };
export type DocumentIngestParamsBackground = DocumentIngestParams & { wait?: false };

export type DocumentIngestStatus = 'pending' | 'unchanged' | 'embedding' | 'ready' | 'failed';

/** What happened to one document of an ingestion. */
export interface IngestedDocument {
  source: string;
  document_id: string | null;
  /** `unchanged`: the same content was already ingested; `failed`: see `error` (the others went on). */
  status: DocumentIngestStatus;
  chunks: number;
  embedded: number;
  error: string | null;
}

/** An ingestion run: its summary once done (`wait: true`), its progress while it runs (`memory.ingestions.get`). */
export interface Ingestion {
  /** The ingestion run id. */
  id: string;
  object: 'ingestion';
  status: 'running' | 'completed' | 'failed';
  collection: string;
  /** Documents in the run, and finished (ready, unchanged or failed). */
  total: number;
  done: number;
  /** Chunks of the documents read so far, and embedded. */
  chunks_total: number;
  chunks_embedded: number;
  /** 0..1. */
  progress: number;
  /** Chunks embedded per second since the start; null until known. */
  chunks_per_second: number | null;
  /** Seconds left at the current rate; null until known. */
  eta_seconds: number | null;
  elapsed_seconds: number | null;
  started_at: string | null;
  /** When the run last made progress (its figures are as of then). */
  updated_at: string | null;
  documents: IngestedDocument[];
}

export interface MemoryDocument {
  /** `doc_...` */
  id: string;
  object: 'document';
  collection: string;
  source: string;
  title: string;
  mime: string;
  status: 'ingesting' | 'ready';
  chunk_count: number;
  content_hash: string;
  metadata: Record<string, MetadataValue>;
  created_at: string;
  updated_at: string;
}

export interface MemoryDocumentListParams {
  collection?: string;
  /** 1..200, default 50. */
  limit?: number;
}

export interface MemoryDocumentDeleted {
  id: string;
  object: 'document';
  deleted: true;
}

/** What `memory.search` and RAG retrieve from: documents, conversations, or both. */
export type MemorySource = 'documents' | 'conversations';

/** `dense` (vectors, cosine), `keyword` (Okapi BM25), or `hybrid` (both, fused; reciprocal rank fusion by default). */
export type SearchMode = 'hybrid' | 'dense' | 'keyword';

/** A condition on one metadata field: a value (equality) or operators. */
export type FieldCondition =
  | string
  | number
  | boolean
  | {
      $eq?: string | number | boolean;
      $ne?: string | number | boolean;
      $gt?: number;
      $gte?: number;
      $lt?: number;
      $lte?: number;
      $in?: Array<string | number>;
      $nin?: Array<string | number>;
      $exists?: boolean;
    };

/** A filter over documents' metadata, e.g. `{ audience: { $in: ['ops', 'dev'] }, year: { $gte: 2025 } }`; fields side by side are ANDed. */
export interface MetadataFilter {
  $and?: MetadataFilter[];
  $or?: MetadataFilter[];
  [field: string]: FieldCondition | MetadataFilter[] | undefined;
}

/** The body of `POST /v1/search`. */
export interface SearchParams {
  query: string;
  /** Okapi BM25's parameters (default k1 0.9, b 0.4). */
  bm25?: { k1?: number; b?: number };
  /** How hybrid search fuses its lists: `rrf` (default) or `weighted` (alpha x dense + (1 - alpha) x BM25, min-max normalised). */
  fusion?: { method?: 'rrf' | 'weighted'; alpha?: number };
  /** Results, 1..100 (default 10). */
  k?: number;
  /** Default `hybrid`. */
  mode?: SearchMode;
  /** Default both. */
  sources?: MemorySource[];
  /** Document collections (default: all). */
  collections?: string[];
  /** Messages of this conversation only (`conv_...`). */
  conversation?: string;
  /** Messages of this role only. */
  role?: Role;
  /** Messages from this time (ISO 8601 with offset, e.g. `new Date(...).toISOString()`). */
  from?: string;
  /** Messages up to this time (ISO 8601 with offset). */
  to?: string;
  /** Over the documents' metadata. */
  metadata?: MetadataFilter;
}

export interface DocumentSource {
  type: 'document';
  document_id: string;
  source: string;
  title: string;
  collection: string;
  /** The chunk's position in its document. */
  seq: number;
  /** The markdown headings above the chunk, e.g. `Guide > Install` (empty when none). */
  heading_path: string;
}

export interface ConversationSource {
  type: 'conversation';
  conversation_id: string;
  role: Role;
  seq: number;
  created_at: string;
}

/** Where a result (or a RAG passage) comes from: a chunk of a document, or a conversation message. */
export type SearchSource = DocumentSource | ConversationSource;

export interface SearchResult {
  object: 'search_result';
  /** The chunk or message id (what a RAG answer cites). */
  id: string;
  text: string;
  score: number;
  /** 1-based rank in each list that found it. */
  ranks: { dense?: number; keyword?: number };
  source: SearchSource;
}

/** Results, best first. */
export interface SearchResults {
  object: 'list';
  mode: SearchMode;
  data: SearchResult[];
}

/** `memory` of a completion: retrieve context for the last user message and put it in front of the model. */
export interface MemoryInjectionParams {
  /** Document collections to search (default: all). */
  collections?: string[];
  /** Default `['documents']`. */
  sources?: MemorySource[];
  /** With `conversations`: only this conversation's messages (default: the one continued, else all). */
  conversation?: string;
  /** Passages, 1..50 (default 5). */
  k?: number;
  /** Most tokens the passages may take, 50..32 000 (default 1500). */
  budget_tokens?: number;
}

/** A passage memory injection put in front of the model. */
export interface InjectedPassage {
  /** `1`, `2`, ...: how the prompt numbered it. */
  label: string;
  /** The chunk or message id. */
  id: string;
  source: SearchSource;
}
