import { z } from 'zod';
import {
  ApprovalSchema,
  AssignmentSchema,
  CreateExperimentSchema,
  CreateTemplateSchema,
  CreateVersionSchema,
  MoveLabelSchema,
  OutcomeSchema,
  RenderRequestSchema,
} from './prompt-schemas.ts';
import { TemplateCompletionRequestSchema } from './routes/completions.ts';
import { LABEL_NAME, TEMPLATE_NAME } from '../core/prompts/template-definition.ts';
import { RUN_ID } from './routes/runs.ts';
import { pathParam } from './openapi-path-param.ts';
import { withModelChoiceRule } from './openapi-model-choice.ts';
import { responseJsonSchema } from './schemas/response-json-schema.ts';
import { LabelEventSchema, PromptLabelSchema, PromptTemplateSchema, PromptTemplateVersionSchema } from './schemas/prompts.ts';
import { ExperimentResultsSchema, ExperimentSchema } from './schemas/experiments.ts';

/**
 * The OpenAPI paths and schemas of the prompt-template and experiment routes, merged into
 * openapi.ts. Request bodies come from the zod schemas the routes validate with.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const body = (name: string) => ({ required: true, content: json(ref(name)) });
const list = (item: object) => ({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: item }, has_more: { type: 'boolean' } } });
const query = (name: string, schema: object, description?: string) => ({ name, in: 'query', schema, ...(description && { description }) });

const nameParam = pathParam('name', TEMPLATE_NAME, 'The template name (unique within the tenant).');
const labelParam = pathParam('label', LABEL_NAME, 'A label, e.g. production or staging.');
// The route reads at most nine digits: what a Postgres int holds.
const versionParam = { name: 'version', in: 'path', required: true, description: 'A version number.', schema: { type: 'integer', minimum: 1, maximum: 999_999_999 } };
const experimentParam = pathParam('experimentId', RUN_ID, 'The experiment id (also its workflow id).');

const common = {
  '400': errorResponse('Invalid input: validation_failed, variables_invalid (details list every problem), template_invalid, template_unsafe, template_render_failed, ...'),
  '401': errorResponse('Missing or invalid API key'),
};
const notFound = (what: string) => ({ '404': errorResponse(`${what} (template_not_found, version_not_found, label_not_found, experiment_not_found)`) });
const conflict = (what: string) => ({ '409': errorResponse(what) });

const ChatMessages = { type: 'array', items: { type: 'object', properties: { role: { enum: ['system', 'user', 'assistant'] }, content: { type: 'string' } } } };

// Derived from the zod schema versionJson is typed by (api/schemas/prompts.ts).
const PromptTemplateVersion = responseJsonSchema(PromptTemplateVersionSchema, new Map([[PromptLabelSchema, 'PromptLabel']]));

// Derived from the zod schemas templateJson, labelJson and eventJson are typed by (api/schemas/prompts.ts).
const PromptTemplate = responseJsonSchema(PromptTemplateSchema, new Map([[PromptTemplateVersionSchema, 'PromptTemplateVersion']]));
const PromptLabel = responseJsonSchema(PromptLabelSchema);
const LabelEvent = responseJsonSchema(LabelEventSchema);

const PromptRender = {
  type: 'object',
  properties: {
    object: { const: 'prompt_render' },
    template: { type: 'string' },
    version: { type: 'integer' },
    label: { type: ['string', 'null'] },
    content_hash: { type: 'string' },
    type: { enum: ['text', 'chat'] },
    text: { type: 'string' },
    messages: ChatMessages,
  },
};

const PromptDiff = {
  type: 'object',
  properties: {
    object: { const: 'prompt_template_diff' },
    template: { type: 'string' },
    from: { type: 'integer' },
    to: { type: 'integer' },
    identical: { type: 'boolean' },
    lines_added: { type: 'integer' },
    lines_removed: { type: 'integer' },
    template_diff: { type: 'string', description: 'Unified diff of the template text.' },
    variables_diff: { type: 'string', description: 'Unified diff of the variables schema.' },
  },
};

// Derived from the zod schema experimentJson is typed by (api/schemas/experiments.ts).
const Experiment = responseJsonSchema(ExperimentSchema);

// Derived from the zod schema resultsJson is typed by (api/schemas/experiments.ts).
const ExperimentResults = responseJsonSchema(ExperimentResultsSchema);

const ExperimentAssignment = {
  type: 'object',
  properties: {
    object: { const: 'experiment_assignment' },
    experiment_id: { type: 'string' },
    subject_id: { type: 'string' },
    variant: { type: 'string' },
    template: { type: 'string' },
    version: { type: 'integer' },
    model: { type: ['string', 'null'] },
    first_exposure: { type: 'boolean' },
    rendered: ref('PromptRender'),
  },
};

const input = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' });

export const promptSchemas = {
  TemplateCompletionRequest: withModelChoiceRule(input(TemplateCompletionRequestSchema), { streamOrBackground: true }),
  CreatePromptTemplateRequest: input(CreateTemplateSchema),
  CreatePromptVersionRequest: input(CreateVersionSchema),
  MoveLabelRequest: input(MoveLabelSchema),
  RenderPromptRequest: input(RenderRequestSchema),
  CreateExperimentRequest: input(CreateExperimentSchema),
  AssignmentRequest: input(AssignmentSchema),
  OutcomeRequest: input(OutcomeSchema),
  ApprovalRequest: input(ApprovalSchema),
  PromptTemplate,
  PromptTemplateVersion,
  PromptLabel,
  LabelEvent,
  PromptRender,
  PromptDiff,
  Experiment,
  ExperimentResults,
  ExperimentAssignment,
};

export const promptPaths = {
  '/v1/prompts': {
    get: {
      operationId: 'listPromptTemplates',
      summary: "List the tenant's prompt templates, by name",
      parameters: [query('limit', { type: 'integer', minimum: 1, maximum: 200 }), query('after', { type: 'string' }, 'Names after this one (paging).')],
      responses: { '200': { description: 'Templates', content: json(list(ref('PromptTemplate'))) }, ...common },
    },
    post: {
      operationId: 'createPromptTemplate',
      summary: 'Create a template with its version 1 (checked in the sandbox first)',
      requestBody: body('CreatePromptTemplateRequest'),
      responses: { '201': { description: 'Created', content: json(ref('PromptTemplate')) }, ...common, ...conflict('template_exists') },
    },
  },
  '/v1/prompts/{name}': {
    get: {
      operationId: 'getPromptTemplate',
      summary: 'A template, its labels and its latest version',
      parameters: [nameParam],
      responses: { '200': { description: 'The template', content: json(ref('PromptTemplate')) }, ...common, ...notFound('No such template') },
    },
  },
  '/v1/prompts/{name}/versions': {
    get: {
      operationId: 'listPromptVersions',
      summary: 'Versions of a template, newest first (without content)',
      parameters: [nameParam, query('limit', { type: 'integer', minimum: 1, maximum: 200 }), query('before', { type: 'integer' })],
      responses: { '200': { description: 'Versions', content: json(list(ref('PromptTemplateVersion'))) }, ...common, ...notFound('No such template') },
    },
    post: {
      operationId: 'createPromptVersion',
      summary: 'Add the next immutable version (200 with created: false when identical to the latest)',
      parameters: [nameParam],
      requestBody: body('CreatePromptVersionRequest'),
      responses: {
        '201': { description: 'Added', content: json(ref('PromptTemplateVersion')) },
        '200': { description: 'Identical to the latest version; nothing added', content: json(ref('PromptTemplateVersion')) },
        ...common,
        ...notFound('No such template'),
      },
    },
  },
  '/v1/prompts/{name}/versions/{version}': {
    get: {
      operationId: 'getPromptVersion',
      summary: 'One version, with its content and variables schema',
      parameters: [nameParam, versionParam],
      responses: { '200': { description: 'The version', content: json(ref('PromptTemplateVersion')) }, ...common, ...notFound('No such template or version') },
    },
  },
  '/v1/prompts/{name}/diff': {
    get: {
      operationId: 'diffPromptVersions',
      summary: 'Unified diff between two versions (template text and variables schema)',
      parameters: [nameParam, { ...query('from', { type: 'integer', minimum: 1 }), required: true }, { ...query('to', { type: 'integer', minimum: 1 }), required: true }],
      responses: { '200': { description: 'The diff', content: json(ref('PromptDiff')) }, ...common, ...notFound('No such template or version') },
    },
  },
  '/v1/prompts/{name}/labels/{label}': {
    put: {
      operationId: 'movePromptLabel',
      summary: 'Point a label at a version, atomically and audited (rollback is this, with an older version)',
      parameters: [nameParam, labelParam],
      requestBody: body('MoveLabelRequest'),
      responses: { '200': { description: 'The label', content: json(ref('PromptLabel')) }, ...common, ...notFound('No such template or version'), ...conflict('label_conflict: expected_version did not match') },
    },
    delete: {
      operationId: 'deletePromptLabel',
      summary: 'Remove a label (audited)',
      parameters: [nameParam, labelParam, query('reason', { type: 'string' })],
      responses: { '200': { description: 'Removed', content: json(ref('PromptLabel')) }, ...common, ...notFound('No such template or label') },
    },
  },
  '/v1/prompts/{name}/label-history': {
    get: {
      operationId: 'getPromptLabelHistory',
      summary: 'Who moved which label, from which version to which, when and why (newest first)',
      parameters: [nameParam, query('limit', { type: 'integer', minimum: 1, maximum: 500 })],
      responses: { '200': { description: 'Events', content: json(list(ref('LabelEvent'))) }, ...common, ...notFound('No such template') },
    },
  },
  '/v1/prompts/{name}/render': {
    post: {
      operationId: 'renderPrompt',
      summary: 'Validate variables and render a version (by label, number, or production/latest) to text or chat messages',
      parameters: [nameParam],
      requestBody: body('RenderPromptRequest'),
      responses: { '200': { description: 'Rendered', content: json(ref('PromptRender')) }, ...common, ...notFound('No such template, version or label') },
    },
  },
  '/v1/experiments': {
    get: {
      operationId: 'listExperiments',
      summary: "The tenant's prompt experiments, newest first",
      parameters: [query('limit', { type: 'integer', minimum: 1, maximum: 200 })],
      responses: { '200': { description: 'Experiments', content: json(list(ref('Experiment'))) }, ...common },
    },
    post: {
      operationId: 'createExperiment',
      summary: 'Start an A/B experiment between versions of a template (a Temporal workflow)',
      requestBody: body('CreateExperimentRequest'),
      responses: { '201': { description: 'Started', content: json(ref('Experiment')) }, ...common, ...notFound('No such template or version') },
    },
  },
  '/v1/experiments/{experimentId}': {
    get: {
      operationId: 'getExperiment',
      summary: 'Status, stop reason, recommendation and decision',
      parameters: [experimentParam],
      responses: { '200': { description: 'The experiment', content: json(ref('Experiment')) }, ...common, ...notFound('No such experiment') },
    },
  },
  '/v1/experiments/{experimentId}/assignments': {
    post: {
      operationId: 'assignExperimentVariant',
      summary: "A subject's variant (sticky by hash), recorded as an exposure; rendered when variables are given",
      parameters: [experimentParam],
      requestBody: body('AssignmentRequest'),
      responses: { '200': { description: 'The assignment', content: json(ref('ExperimentAssignment')) }, ...common, ...notFound('No such experiment'), ...conflict('experiment_not_running') },
    },
  },
  '/v1/experiments/{experimentId}/outcomes': {
    post: {
      operationId: 'recordExperimentOutcome',
      summary: "Record a subject's outcome: a score (value) or a success flag (success)",
      parameters: [experimentParam],
      requestBody: body('OutcomeRequest'),
      responses: { '200': { description: 'Recorded' }, ...common, ...notFound('No such experiment'), ...conflict('experiment_not_running or subject_not_exposed') },
    },
  },
  '/v1/experiments/{experimentId}/results': {
    get: {
      operationId: 'getExperimentResults',
      summary: "Per-variant counts, means and confidence intervals, and each variant's p-value against the control",
      parameters: [experimentParam],
      responses: { '200': { description: 'Results', content: json(ref('ExperimentResults')) }, ...common, ...notFound('No such experiment') },
    },
  },
  '/v1/experiments/{experimentId}/approval': {
    post: {
      operationId: 'approveExperiment',
      summary: 'Approve (promote the winner, or a chosen variant) or reject, once the experiment awaits approval',
      parameters: [experimentParam],
      requestBody: body('ApprovalRequest'),
      responses: {
        '202': { description: 'Signal sent' },
        ...common,
        '403': errorResponse('insufficient_role: approvals need an approver or admin key; the calling key is recorded as the approver'),
        ...notFound('No such experiment'),
        ...conflict('experiment_not_awaiting_approval'),
      },
    },
  },
};
