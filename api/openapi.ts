import { z } from 'zod';
import { CodecBodySchema } from './routes/codec.ts';
import { promptPaths, promptSchemas } from './openapi-prompts.ts';
import { capsulePaths, capsuleSchemas } from './openapi-capsules.ts';
import { toolPaths, toolSchemas } from './openapi-tools.ts';
import { agentPaths, agentSchemas } from './openapi-agents.ts';
import { conversationPaths, conversationSchemas } from './openapi-conversations.ts';
import { localModelPaths } from './openapi-local-models.ts';
import { opsPaths } from './openapi-ops.ts';
import { onCallPaths } from './openapi-oncall.ts';
import { routerPaths, routerSchemas } from './openapi-router.ts';
import { memoryPaths, memorySchemas } from './openapi-memory.ts';
import { anthropicCompatiblePaths, openAiCompatiblePaths, openAiCompatibleSchemas } from './openapi-openai-compatible.ts';
import { CompletionRequestSchema } from './routes/completions.ts';
import { ModelBodySchema } from './routes/models.ts';
import { BudgetBodySchema } from './routes/budgets.ts';
import { HANDLER_NAME, RUN_ID } from './routes/runs.ts';
import { MODEL_ID } from './routes/models.ts';
import { ID_PATTERN } from './tenant-lookup.ts';
import { withStandardResponses } from './openapi-standard-responses.ts';
import { pathParam } from './openapi-path-param.ts';
import { withModelChoiceRule } from './openapi-model-choice.ts';
import { responseJsonSchema } from './schemas/response-json-schema.ts';
import { CompletionSchema } from './schemas/completions.ts';
import { RunSchema } from './schemas/runs.ts';
import { ErrorBodySchema } from './schemas/errors.ts';
import { ModelSchema } from './schemas/models.ts';
import { BudgetSchema } from './schemas/budgets.ts';
import { ApiKeySchema, TenantSchema } from './schemas/admin.ts';

/**
 * The OpenAPI 3.1 document served at /openapi.json. Request bodies come from the same zod
 * schemas the routes validate with; a test checks every route is documented and vice versa.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });

const commonErrors = {
  '400': errorResponse('Invalid input (validation_failed, invalid_json, ...)'),
  '401': errorResponse('Missing or invalid API key'),
  '413': errorResponse('Body too large'),
};

/** Temporal's codec-server protocol: the same body shape in and out (api/routes/codec.ts). */
const codecPayloads = z.toJSONSchema(CodecBodySchema, { io: 'input' });
const codecOperation = (operationId: string, summary: string) => ({
  post: {
    operationId,
    summary,
    // An operator protocol of the Temporal Web UI and CLI, not an SDK call (the SDK contract
    // tests skip operations marked so).
    'x-sdk': false,
    requestBody: { required: true, content: json(codecPayloads) },
    responses: {
      '200': { description: 'The payloads, in the order sent', content: json(codecPayloads) },
      '400': errorResponse('A payload that is not valid, or that no configured key decrypts (payload_not_decodable)'),
      '401': errorResponse('Missing or invalid API key'),
      '403': errorResponse('Admin key required (admin_required)'),
      '413': errorResponse('Body too large'),
      '415': errorResponse('The body is not JSON'),
    },
  },
});

const modelInput = z.toJSONSchema(ModelBodySchema, { io: 'input' });
const modelIdParam = pathParam('modelId', MODEL_ID);
const runIdParam = pathParam('runId', RUN_ID, 'A run id (the Temporal workflow id, e.g. completion-<tenant>-<id>).');
const nameParam = pathParam('name', HANDLER_NAME, 'The workflow query or signal name.');
const tenantIdParam = pathParam('tenantId', ID_PATTERN);
/**
 * A Server-Sent Events body, one schema per event: its name and its `data`, a JSON document
 * (clients, and the fuzzer, read the stream event by event).
 */
const eventStream = (events: readonly string[]) => ({
  'text/event-stream': {
    schema: {
      type: 'object',
      required: ['event', 'data'],
      properties: { event: { enum: events }, data: { type: 'string', contentMediaType: 'application/json' }, id: { type: 'string' } },
    },
  },
});
const argsBody = {
  required: false,
  content: json({ type: 'object', properties: { args: { type: 'array', items: {} } }, additionalProperties: false }),
};

// Components (below), derived from the zod schemas tenantJson and keyJson are typed by (api/schemas/admin.ts).
const ApiKey = ref('ApiKey');
const Tenant = ref('Tenant');

const list = (item: object) => ({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: item } } });
const secured = [{ bearerAuth: [] }];
const open: never[] = [];

const idempotencyKeyParam = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes the POST safe to retry: the same key and request get the first response (completions join the same run). See the API overview.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

/** Every POST under /v1 takes an Idempotency-Key (api/middleware/idempotency.ts). */
function withIdempotencyKeys<T extends Record<string, Record<string, unknown>>>(paths: T): T {
  for (const [path, operations] of Object.entries(paths)) {
    const post = operations.post as { parameters?: unknown[]; responses: Record<string, unknown> } | undefined;
    if (!post || !path.startsWith('/v1/')) continue;
    post.parameters = [...(post.parameters ?? []), idempotencyKeyParam];
    post.responses['409'] ??= errorResponse('A request with this Idempotency-Key is still running (idempotency_key_in_use; Retry-After says when to retry)');
    post.responses['422'] ??= errorResponse('The Idempotency-Key was already used for a different request (idempotency_key_reused)');
  }
  return paths;
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'SomaAgent API',
    version: '0.1.0',
    description: 'Start, inspect, query, signal and cancel durable AI runs. Every error has the shape of #/components/schemas/Error.',
  },
  servers: [{ url: '/' }],
  security: secured,
  paths: withIdempotencyKeys(withStandardResponses({
    '/healthz': { get: { operationId: 'health', summary: 'Liveness', security: open, responses: { '200': { description: 'Alive' } } } },
    '/readyz': {
      get: {
        operationId: 'ready',
        summary: 'Readiness: Postgres and Temporal reachable',
        security: open,
        responses: { '200': { description: 'Ready' }, '503': { description: 'A dependency is unreachable' } },
      },
    },
    '/metrics': {
      get: { operationId: 'metrics', summary: 'Prometheus metrics', security: open, responses: { '200': { description: 'Prometheus text format' } } },
    },
    '/openapi.json': {
      get: { operationId: 'openapi', summary: 'This document', security: open, responses: { '200': { description: 'OpenAPI 3.1' } } },
    },
    '/v1/completions': {
      post: {
        operationId: 'createCompletion',
        summary: 'Run a chat completion as a durable workflow (messages, or a prompt template to render them from)',
        requestBody: { required: true, content: json({ oneOf: [ref('CompletionRequest'), ref('TemplateCompletionRequest')] }) },
        responses: {
          '200': {
            description:
              'The answer; with `stream: true`, Server-Sent Events instead: `run` (the run id), `delta` ({text}), `tool_call_delta` ' +
              '({index, id?, name?, arguments_delta}: a piece of a tool call; the first piece of a call has its id and name), `retry` / `fallback` ' +
              '(a new attempt replaces the text and calls so far: discard_text), then `completion` (the same body as without streaming, tool_calls included) or ' +
              '`error` (the error body plus its HTTP status). See docs/concepts/streaming and docs/concepts/tool-calling.',
            content: { ...json(ref('Completion')), ...eventStream(['run', 'delta', 'tool_call_delta', 'retry', 'fallback', 'completion', 'error']) },
          },
          '202': { description: 'Started in the background (background: true)', content: json(ref('Run')) },
          ...commonErrors,
          '402': errorResponse('A budget would be exceeded (budget_exceeded; details say which)'),
          '404': errorResponse('The prompt template, its version or label (template_not_found, version_not_found, label_not_found), or the conversation (conversation_not_found), does not exist for this tenant'),
          '429': errorResponse('The provider rate-limited every attempt'),
          '502': errorResponse('The provider failed'),
          '503': errorResponse('The provider is overloaded'),
          '504': errorResponse('The provider timed out'),
        },
      },
    },
    '/v1/runs': {
      get: {
        operationId: 'listRuns',
        summary: "List the tenant's runs, newest first",
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          { name: 'kind', in: 'query', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'Runs', content: json(list(ref('Run'))) }, ...commonErrors },
      },
    },
    '/v1/runs/{runId}': {
      get: {
        operationId: 'getRun',
        summary: 'Status, and the result or error once finished',
        parameters: [runIdParam],
        responses: { '200': { description: 'The run', content: json(ref('Run')) }, '404': errorResponse('No such run for this tenant'), ...commonErrors },
      },
    },
    '/v1/runs/{runId}/events': {
      get: {
        operationId: 'listRunEvents',
        summary: "A run's history, event by event (type, time, activity summary, failure message); follow=true streams them as Server-Sent Events (run_event ..., then end) until the run closes",
        parameters: [runIdParam, { name: 'follow', in: 'query', schema: { enum: ['true', 'false'] } }],
        responses: {
          '200': {
            description: 'The events',
            content: {
              ...json(list({ type: 'object', properties: { id: { type: 'integer' }, type: { type: 'string' }, time: { type: ['string', 'null'] }, summary: { type: 'string' }, details: { type: 'object' } } })),
              ...eventStream(['run_event', 'end', 'error']),
            },
          },
          '404': errorResponse('No such run'),
          ...commonErrors,
        },
      },
    },
    '/v1/runs/{runId}/query/{name}': {
      post: {
        operationId: 'queryRun',
        summary: 'Run a workflow query',
        parameters: [runIdParam, nameParam],
        requestBody: argsBody,
        responses: { '200': { description: 'Query result' }, '404': errorResponse('No such run'), ...commonErrors },
      },
    },
    '/v1/runs/{runId}/signal/{name}': {
      post: {
        operationId: 'signalRun',
        summary: 'Send a signal to a running workflow',
        parameters: [runIdParam, nameParam],
        requestBody: argsBody,
        responses: {
          '202': { description: 'Signal accepted' },
          '403': errorResponse('insufficient_role: a read-only key, or an approval signal (`approval`) from a key that is not approver or admin. An approval is recorded under the calling key, whatever `by` the payload holds.'),
          '404': errorResponse('No such run'),
          '409': errorResponse('The run has finished'),
          ...commonErrors,
        },
      },
    },
    '/v1/runs/{runId}/cancel': {
      post: {
        operationId: 'cancelRun',
        summary: 'Request cancellation',
        parameters: [runIdParam],
        responses: {
          '202': { description: 'Cancellation requested' },
          '404': errorResponse('No such run'),
          '409': errorResponse('The run has finished'),
          ...commonErrors,
        },
      },
    },
    '/v1/models': {
      get: { operationId: 'listModels', summary: 'Enabled models in the registry', responses: { '200': { description: 'Models', content: json(list(ref('Model'))) }, ...commonErrors } },
    },
    '/v1/models/{modelId}': {
      get: {
        operationId: 'getModel',
        summary: 'One model (URL-encode ids with a slash: local%2Fllama3.2)',
        parameters: [modelIdParam],
        responses: { '200': { description: 'The model', content: json(ref('Model')) }, '404': errorResponse('No such model'), ...commonErrors },
      },
    },
    '/v1/admin/models/{modelId}': {
      put: {
        operationId: 'putModel',
        summary: 'Create or replace a model, e.g. register a local OpenAI-compatible model (admin)',
        parameters: [modelIdParam],
        requestBody: { required: true, content: json(ref('ModelInput')) },
        responses: { '200': { description: 'Saved', content: json(ref('Model')) }, '403': errorResponse('Admin key required'), ...commonErrors },
      },
      delete: {
        operationId: 'disableModel',
        summary: 'Disable a model (admin)',
        parameters: [modelIdParam],
        responses: { '200': { description: 'Disabled', content: json(ref('Model')) }, '403': errorResponse('Admin key required'), '404': errorResponse('No such model') },
      },
    },
    '/v1/usage/models': {
      get: {
        operationId: 'modelUsage',
        summary: "Per-model latency (p50/p95), error rate, tokens and cost over a window, for the caller's tenant",
        parameters: [...[
          { name: 'window', in: 'query', schema: { type: 'string', examples: ['24h'] }, description: 'Trailing window: 15m, 24h, 7d (default 24h).' },
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'simulated', in: 'query', schema: { enum: ['true', 'false'] } },
          { name: 'tenant_id', in: 'query', schema: { type: 'string' }, description: 'Admin keys only: another tenant.' },
        ], { name: 'model', in: 'query', schema: { type: 'string' } }],
        responses: { '200': { description: 'Per-model stats' }, ...commonErrors },
      },
    },
    '/v1/usage/cost': {
      get: {
        operationId: 'costReport',
        summary: "The tenant's spend by day and model",
        parameters: [
          { name: 'window', in: 'query', schema: { type: 'string', examples: ['24h'] }, description: 'Trailing window: 15m, 24h, 7d (default 24h).' },
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'simulated', in: 'query', schema: { enum: ['true', 'false'] } },
          { name: 'tenant_id', in: 'query', schema: { type: 'string' }, description: 'Admin keys only: another tenant.' },
        ],
        responses: { '200': { description: 'Cost report' }, ...commonErrors },
      },
    },
    '/v1/budgets': {
      get: {
        operationId: 'listBudgets',
        summary: "The tenant's budgets with what was spent in the current period",
        responses: { '200': { description: 'Budgets', content: json(list(ref('Budget'))) }, ...commonErrors },
      },
    },
    '/v1/admin/tenants/{tenantId}/budgets': {
      put: {
        operationId: 'putBudget',
        summary: 'Create or replace a daily or monthly budget for a tenant or one of its keys (admin)',
        parameters: [tenantIdParam],
        requestBody: { required: true, content: json(z.toJSONSchema(BudgetBodySchema, { io: 'input' })) },
        responses: { '200': { description: 'Saved', content: json(ref('Budget')) }, '403': errorResponse('Admin key required'), '404': errorResponse('No such tenant or key'), ...commonErrors },
      },
    },
    '/v1/admin/tenants/{tenantId}/budgets/{budgetId}': {
      delete: {
        operationId: 'deleteBudget',
        summary: 'Remove a budget (admin)',
        parameters: [tenantIdParam, pathParam('budgetId', ID_PATTERN)],
        responses: { '200': { description: 'Deleted' }, '403': errorResponse('Admin key required'), '404': errorResponse('No such budget') },
      },
    },
    '/v1/admin/tenants': {
      get: { operationId: 'listTenants', summary: 'List tenants (admin)', responses: { '200': { description: 'Tenants', content: json(list(Tenant)) }, '403': errorResponse('Admin key required') } },
      post: {
        operationId: 'createTenant',
        summary: 'Create a tenant (admin)',
        requestBody: { required: true, content: json({ type: 'object', required: ['name'], properties: { name: { type: 'string' } }, additionalProperties: false }) },
        responses: { '201': { description: 'Created', content: json(Tenant) }, '403': errorResponse('Admin key required'), ...commonErrors },
      },
    },
    '/v1/admin/tenants/{tenantId}/keys': {
      get: {
        operationId: 'listApiKeys',
        summary: "List a tenant's API keys (admin; never the secrets)",
        parameters: [tenantIdParam],
        responses: { '200': { description: 'Keys', content: json(list(ApiKey)) }, '403': errorResponse('Admin key required'), '404': errorResponse('No such tenant') },
      },
      post: {
        operationId: 'createApiKey',
        summary: 'Create an API key for a tenant (admin); the key is shown once',
        parameters: [tenantIdParam],
        requestBody: {
          required: false,
          content: json({
            type: 'object',
            properties: {
              name: { type: 'string' },
              role: { enum: ['admin', 'approver', 'member', 'read-only'], default: 'member', description: 'What the key may do.' },
              admin: { type: 'boolean', description: 'Older form of role "admin"; must agree with role when both are sent.' },
            },
            additionalProperties: false,
          }),
        },
        responses: { '201': { description: 'Created', content: json(ApiKey) }, '403': errorResponse('Admin key required'), '404': errorResponse('No such tenant'), ...commonErrors },
      },
    },
    '/v1/admin/keys/{keyId}': {
      delete: {
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key (admin)',
        parameters: [pathParam('keyId', ID_PATTERN)],
        responses: { '200': { description: 'Revoked', content: json(ApiKey) }, '403': errorResponse('Admin key required'), '404': errorResponse('No such key') },
      },
    },
    '/codec/decode': codecOperation('decodePayloads', 'Decode Temporal payloads (admin; the Web UI codec-server protocol)'),
    '/codec/encode': codecOperation('encodePayloads', 'Encode Temporal payloads (admin; the Web UI codec-server protocol)'),
    ...promptPaths,
    ...capsulePaths,
    ...toolPaths,
    ...agentPaths,
    ...conversationPaths,
    ...localModelPaths,
    ...opsPaths,
    ...onCallPaths,
    ...routerPaths,
    ...memoryPaths,
    ...openAiCompatiblePaths,
    ...anthropicCompatiblePaths,
  })),
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key, sk_soma_...' } },
    schemas: {
      CompletionRequest: withModelChoiceRule(z.toJSONSchema(CompletionRequestSchema, { io: 'input' }), { streamOrBackground: true }),
      // Response shapes come from the zod schemas the serializers are typed by (api/schemas/).
      Completion: responseJsonSchema(CompletionSchema),
      Run: responseJsonSchema(RunSchema),
      Error: responseJsonSchema(ErrorBodySchema),
      Budget: responseJsonSchema(BudgetSchema),
      ApiKey: responseJsonSchema(ApiKeySchema),
      Tenant: responseJsonSchema(TenantSchema),
      ...promptSchemas,
      ...capsuleSchemas,
      ...toolSchemas,
      ...agentSchemas,
      ...conversationSchemas,
      ...routerSchemas,
      ...memorySchemas,
      ...openAiCompatibleSchemas,
      ModelInput: modelInput,
      Model: responseJsonSchema(ModelSchema),
    },
  },
} as const;
