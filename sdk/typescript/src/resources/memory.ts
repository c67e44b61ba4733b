import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { BackgroundRun } from '../types/completions.js';
import type {
  DocumentIngestParams,
  DocumentIngestParamsBackground,
  DocumentIngestParamsWait,
  Ingestion,
  MemoryDocument,
  MemoryDocumentDeleted,
  MemoryDocumentListParams,
  SearchParams,
  SearchResults,
} from '../types/memory.js';
import type { PagedList } from '../types/shared.js';

/** Documents in collections: chunked, embedded and indexed by an ingestion run. */
export class MemoryDocuments extends APIResource {
  /**
   * Ingests documents into a collection (chunk, embed, index), idempotent by content hash. With
   * `wait: true` it answers with the ingestion's summary; without, at once with the run (its
   * progress: `memory.ingestions.get(run.id)`).
   */
  ingest(body: DocumentIngestParamsWait, options?: RequestOptions): Promise<Ingestion>;
  ingest(body: DocumentIngestParamsBackground, options?: RequestOptions): Promise<BackgroundRun<'ingestion'>>;
  ingest(body: DocumentIngestParams, options?: RequestOptions): Promise<Ingestion | BackgroundRun<'ingestion'>>;
  ingest(body: DocumentIngestParams, options?: RequestOptions): Promise<Ingestion | BackgroundRun<'ingestion'>> {
    return this.http.request({ method: 'POST', path: '/v1/memory/documents', body, options });
  }

  /** The tenant's documents, most recently updated first. */
  list(params: MemoryDocumentListParams = {}, options?: RequestOptions): Promise<PagedList<MemoryDocument>> {
    return this.http.request({ method: 'GET', path: '/v1/memory/documents', query: { ...params }, options });
  }

  get(documentId: string, options?: RequestOptions): Promise<MemoryDocument> {
    return this.http.request({ method: 'GET', path: path`/v1/memory/documents/${documentId}`, options });
  }

  /** Deletes the document, its chunks and its vectors. */
  delete(documentId: string, options?: RequestOptions): Promise<MemoryDocumentDeleted> {
    return this.http.request({ method: 'DELETE', path: path`/v1/memory/documents/${documentId}`, options });
  }
}

/** Ingestion runs: their progress while they run, their summary once done. */
export class MemoryIngestions extends APIResource {
  /** Documents and chunks done, rate (chunks/s) and ETA of an ingestion started without `wait` (`ingest-...`). */
  get(ingestionId: string, options?: RequestOptions): Promise<Ingestion> {
    return this.http.request({ method: 'GET', path: path`/v1/memory/ingestions/${ingestionId}`, options });
  }
}

/** What the platform remembers: documents, and search over them and over conversations. */
export class Memory extends APIResource {
  readonly documents = new MemoryDocuments(this.http);
  readonly ingestions = new MemoryIngestions(this.http);

  /** Searches documents and/or conversation messages (dense, keyword or hybrid), best first. */
  search(body: SearchParams, options?: RequestOptions): Promise<SearchResults> {
    return this.http.request({ method: 'POST', path: '/v1/search', body, options });
  }
}
