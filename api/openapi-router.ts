import { z } from 'zod';
import { RunFeedbackBodySchema } from './routes/feedback.ts';
import { ImportOutcomesBodySchema, RegisterRouterVersionBodySchema, ROUTER_VERSION_PARAM, TrainRouterBodySchema } from './routes/router.ts';
import { RUN_ID } from './routes/runs.ts';
import { pathParam } from './openapi-path-param.ts';
import { responseJsonSchema } from './schemas/response-json-schema.ts';
import { OutcomeImportSchema, OutcomeSummarySchema, RouterVersionSchema, RunFeedbackSchema } from './schemas/router.ts';

/** OpenAPI paths and schemas of run feedback and the learned router, merged into openapi.ts. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const runIdParam = pathParam('runId', RUN_ID, 'A run id (the Temporal workflow id).');
const versionParam = pathParam('version', ROUTER_VERSION_PARAM, 'A router version, e.g. logistic-202612031237-s1.');
const list = (item: string) => json({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref(item) } } });

export const routerSchemas = {
  RunFeedback: responseJsonSchema(RunFeedbackSchema),
  OutcomeImport: responseJsonSchema(OutcomeImportSchema),
  OutcomeSummary: responseJsonSchema(OutcomeSummarySchema, new Map([[OutcomeImportSchema, 'OutcomeImport']])),
  RouterVersion: responseJsonSchema(RouterVersionSchema),
};

export const routerPaths = {
  '/v1/runs/{runId}/feedback': {
    post: {
      operationId: 'createRunFeedback',
      summary: "Feedback on a run: a rating (-1..1, or 1-5), a corrected output, labels, a comment; the author is the calling key",
      parameters: [runIdParam],
      requestBody: { required: true, content: json(z.toJSONSchema(RunFeedbackBodySchema, { io: 'input' })) },
      responses: {
        '201': { description: 'Recorded', content: json(ref('RunFeedback')) },
        '400': errorResponse('Invalid feedback (validation_failed: no field, or a rating off its scale)'),
        '404': errorResponse('No such run for this tenant (run_not_found)'),
      },
    },
    get: {
      operationId: 'listRunFeedback',
      summary: 'The feedback a run received, oldest first',
      parameters: [runIdParam],
      responses: { '200': { description: 'Feedback', content: list('RunFeedback') }, '404': errorResponse('No such run for this tenant (run_not_found)') },
    },
  },
  '/v1/router/outcomes': {
    get: {
      operationId: 'getOutcomeSummary',
      summary: "The tenant's measured outcomes: counts by source, models, imports",
      responses: { '200': { description: 'Summary', content: json(ref('OutcomeSummary')) } },
    },
  },
  '/v1/router/outcomes/imports': {
    post: {
      operationId: 'importOutcomes',
      summary: 'Import an outcome file (JSONL, per-prompt per-model scores and costs); all lines or none',
      requestBody: { required: true, content: json(z.toJSONSchema(ImportOutcomesBodySchema, { io: 'input' })) },
      responses: {
        '201': { description: 'Imported', content: json(ref('OutcomeImport')) },
        '400': errorResponse('invalid_outcomes: details list every bad line as { line, message } (at most 50); nothing was imported'),
      },
    },
  },
  '/v1/router/versions': {
    get: {
      operationId: 'listRouterVersions',
      summary: "The tenant's registered router versions (one is active)",
      responses: { '200': { description: 'Versions', content: list('RouterVersion') } },
    },
    post: {
      operationId: 'registerRouterVersion',
      summary: 'Register a router `npm run router:train` wrote on the server (by version, never by path)',
      requestBody: { required: true, content: json(z.toJSONSchema(RegisterRouterVersionBodySchema, { io: 'input' })) },
      responses: {
        '201': { description: 'Registered (as a candidate)', content: json(ref('RouterVersion')) },
        '400': errorResponse('invalid_router_artefact: the file is not a router this server reads'),
        '404': errorResponse('router_artefact_not_found: no such version under SOMA_STATE_DIR/routers'),
      },
    },
  },
  '/v1/router/train': {
    post: {
      operationId: 'trainRouter',
      summary: "Train a logistic router on the tenant's stored outcomes; registered as a candidate version",
      requestBody: { required: false, content: json(z.toJSONSchema(TrainRouterBodySchema, { io: 'input' })) },
      responses: {
        '201': { description: 'Trained and registered (candidate); metrics are on its held-out split', content: json(ref('RouterVersion')) },
        '400': errorResponse('not_enough_outcomes: too few outcomes with a prompt, two priced models and a cost'),
        '409': errorResponse('router_version_exists: that version already exists on the server'),
      },
    },
  },
  '/v1/router/versions/{version}/promote': {
    post: {
      operationId: 'promoteRouterVersion',
      summary: "Make a version the tenant's active router (an approval: approver or admin key; the approver is the calling key)",
      parameters: [versionParam],
      responses: {
        '200': { description: 'Promoted', content: json(ref('RouterVersion')) },
        '403': errorResponse('insufficient_role: promotion needs an approver or admin key'),
        '404': errorResponse('No such router version (router_version_not_found)'),
      },
    },
  },
};
