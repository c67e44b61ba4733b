import { z } from 'zod';
import { SECRET_NAME, TOOL_NAME } from '../core/tools/tool-spec.ts';
import { pathParam } from './openapi-path-param.ts';
import { SecretBodySchema } from './routes/secrets.ts';
import { ToolBodySchema } from './routes/tools.ts';
import { responseJsonSchema } from './schemas/response-json-schema.ts';
import { SecretSchema, ToolSchema } from './schemas/tools.ts';

/**
 * OpenAPI paths and schemas of the tool registry (api/routes/tools.ts) and the tenant secret
 * store (api/routes/secrets.ts), merged into openapi.ts. Request bodies come from the zod
 * schemas the routes validate with; responses from api/schemas/tools.ts.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const list = (item: object) => ({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: item } } });
const adminOnly = { '403': errorResponse('Writing tools and secrets needs an admin key (admin_required); a read-only key is refused (insufficient_role)') };

const toolParam = pathParam('name', TOOL_NAME, 'The tool name (1-64 letters, digits, "_", "-").');
const secretParam = pathParam('name', SECRET_NAME, 'The secret name.');
const { $schema: _toolDialect, ...toolInput } = z.toJSONSchema(ToolBodySchema, { io: 'input' });
const { $schema: _secretDialect, ...secretInput } = z.toJSONSchema(SecretBodySchema, { io: 'input' });
const deleted = (object: string) => ({ type: 'object', properties: { object: { const: object }, name: { type: 'string' }, deleted: { const: true } } });

export const toolSchemas = {
  ToolInput: toolInput,
  Tool: responseJsonSchema(ToolSchema),
  SecretInput: secretInput,
  Secret: responseJsonSchema(SecretSchema),
};

export const toolPaths = {
  '/v1/tools': {
    get: { operationId: 'listTools', summary: "The tenant's tools (latest version of each)", responses: { '200': { description: 'Tools', content: json(list(ref('Tool'))) } } },
    post: {
      operationId: 'createTool',
      summary: 'Create a tool or a new version of it (an unchanged spec creates nothing); admin keys only',
      requestBody: { required: true, content: json(ref('ToolInput')) },
      responses: {
        '201': { description: 'A new version', content: json(ref('Tool')) },
        '200': { description: 'The spec equals the latest version: that version (labels applied)', content: json(ref('Tool')) },
        '400': errorResponse('Invalid tool (validation_failed; details list every problem, input schema ones with code invalid_json_schema)'),
        ...adminOnly,
      },
    },
  },
  '/v1/tools/{name}': {
    get: {
      operationId: 'getTool',
      summary: 'One tool: the latest version, or ?version=N, or ?label=L',
      parameters: [
        toolParam,
        { name: 'version', in: 'query', required: false, schema: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' } },
        { name: 'label', in: 'query', required: false, schema: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,31}$' } },
      ],
      responses: { '200': { description: 'The tool version', content: json(ref('Tool')) }, '404': errorResponse('No such tool, version or label (tool_not_found)') },
    },
    delete: {
      operationId: 'deleteTool',
      summary: 'Delete a tool with every version and label; admin keys only',
      parameters: [toolParam],
      responses: { '200': { description: 'Deleted', content: json(deleted('tool')) }, '404': errorResponse('No such tool (tool_not_found)'), ...adminOnly },
    },
  },
  '/v1/tools/{name}/versions': {
    get: {
      operationId: 'listToolVersions',
      summary: "Every version of a tool, newest first",
      parameters: [toolParam],
      responses: { '200': { description: 'Versions', content: json(list(ref('Tool'))) }, '404': errorResponse('No such tool (tool_not_found)') },
    },
  },
  '/v1/secrets': {
    get: { operationId: 'listSecrets', summary: "The tenant's secrets: names and dates, never values", responses: { '200': { description: 'Secrets', content: json(list(ref('Secret'))) } } },
  },
  '/v1/secrets/{name}': {
    put: {
      operationId: 'putSecret',
      summary: 'Set a secret (write-only: its value is encrypted at rest and never answered); admin keys only',
      parameters: [secretParam],
      requestBody: { required: true, content: json(ref('SecretInput')) },
      responses: { '201': { description: 'Created', content: json(ref('Secret')) }, '200': { description: 'Replaced', content: json(ref('Secret')) }, ...adminOnly },
    },
    delete: {
      operationId: 'deleteSecret',
      summary: 'Delete a secret; admin keys only',
      parameters: [secretParam],
      responses: { '200': { description: 'Deleted', content: json(deleted('secret')) }, '404': errorResponse('No such secret (secret_not_found)'), ...adminOnly },
    },
  },
};
