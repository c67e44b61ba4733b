import { z } from 'zod';
import { DOCUMENT_ID, INGESTION_ID, IngestRequestSchema, SearchRequestSchema } from './routes/memory.ts';
import { pathParam } from './openapi-path-param.ts';
import { withModelChoiceRule } from './openapi-model-choice.ts';
import { RagRequestSchema } from './routes/rag.ts';
import { responseJsonSchema } from './schemas/response-json-schema.ts';
import { DocumentSchema, IngestionSchema, SearchResultSchema } from './schemas/memory.ts';
import { RagAnswerSchema } from './schemas/rag.ts';
import { CompletionSchema } from './schemas/completions.ts';

/** OpenAPI paths and schemas of memory (documents, search) and RAG, merged into openapi.ts. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const common = { '400': errorResponse('Invalid input (validation_failed, ...)'), '401': errorResponse('Missing or invalid API key') };
const documentParam = pathParam('documentId', DOCUMENT_ID, 'doc_...');
const missing = { '404': errorResponse('No such document for this tenant (document_not_found)') };
const ingestionParam = pathParam('ingestionId', INGESTION_ID, 'ingest-... (the run id POST /v1/memory/documents answered)');

export const memorySchemas = {
  // Derived from the zod schemas the serializers are typed by (api/schemas/memory.ts).
  Document: responseJsonSchema(DocumentSchema),
  Ingestion: responseJsonSchema(IngestionSchema),
  SearchResult: responseJsonSchema(SearchResultSchema),
  RagAnswer: responseJsonSchema(RagAnswerSchema, new Map([[CompletionSchema, 'Completion']])),
};

export const memoryPaths = {
  '/v1/memory/documents': {
    post: {
      operationId: 'ingestDocuments',
      summary: 'Ingest documents (text, markdown, HTML, or URLs) into a collection: chunk, embed, index. Idempotent by content hash.',
      requestBody: { required: true, content: json(z.toJSONSchema(IngestRequestSchema, { io: 'input' })) },
      responses: {
        '200': { description: 'Ingested (wait: true)', content: json(ref('Ingestion')) },
        '202': { description: 'Started; the run id is the ingestion id', content: json(ref('Run')) },
        ...common,
      },
    },
    get: {
      operationId: 'listDocuments',
      summary: "The tenant's documents, most recently updated first",
      parameters: [
        { name: 'collection', in: 'query', schema: { type: 'string' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
      ],
      responses: { '200': { description: 'Documents', content: json({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref('Document') }, has_more: { type: 'boolean' } } }) }, ...common },
    },
  },
  '/v1/memory/ingestions/{ingestionId}': {
    get: {
      operationId: 'getIngestion',
      summary: "An ingestion run's progress: documents and chunks done, rate (chunks/s) and ETA while it runs; its summary once done",
      parameters: [ingestionParam],
      responses: {
        '200': { description: 'The ingestion', content: json(ref('Ingestion')) },
        '404': errorResponse('No such ingestion for this tenant (ingestion_not_found)'),
        ...common,
      },
    },
  },
  '/v1/memory/documents/{documentId}': {
    get: { operationId: 'getDocument', summary: 'One document', parameters: [documentParam], responses: { '200': { description: 'The document', content: json(ref('Document')) }, ...missing, ...common } },
    delete: { operationId: 'deleteDocument', summary: 'Delete a document, its chunks and its vectors', parameters: [documentParam], responses: { '200': { description: 'Deleted' }, ...missing, ...common } },
  },
  '/v1/search': {
    post: {
      operationId: 'search',
      summary: 'Search documents and/or conversations: dense (cosine), keyword (Okapi BM25) or hybrid (reciprocal rank or weighted score fusion), with filters',
      requestBody: { required: true, content: json(z.toJSONSchema(SearchRequestSchema, { io: 'input' })) },
      responses: { '200': { description: 'Results, best first', content: json({ type: 'object', properties: { object: { const: 'list' }, mode: { type: 'string' }, data: { type: 'array', items: ref('SearchResult') } } }) }, ...common },
    },
  },
  '/v1/rag': {
    post: {
      operationId: 'ragAnswer',
      summary: 'Answer a question from retrieved passages, with citations checked against the context',
      requestBody: { required: true, content: json(withModelChoiceRule(z.toJSONSchema(RagRequestSchema, { io: 'input' }))) },
      responses: {
        '200': { description: 'The answer', content: json(ref('RagAnswer')) },
        '202': { description: 'Started in the background', content: json(ref('Run')) },
        ...common,
        '402': errorResponse('A budget would be exceeded'),
      },
    },
  },
};
