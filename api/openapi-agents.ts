import { z } from 'zod';
import { AgentDefinitionSchema, AGENT_LABEL, AGENT_NAME, MAX_AGENT_VERSION } from '../core/agents/agent-definition.ts';
import { pathParam } from './openapi-path-param.ts';
import { AgentRunRequestSchema, LabelBodySchema } from './routes/agents.ts';
import { ApprovalBodySchema } from './routes/agent-runs.ts';
import { RUN_ID } from './routes/runs.ts';
import { responseJsonSchema } from './schemas/response-json-schema.ts';
import {
  AgentEventListSchema,
  AgentEventSchema,
  AgentRunStateSchema,
  AgentSchema,
  AgentVersionSchema,
  ApprovalAcceptedSchema,
  ApprovalListSchema,
} from './schemas/agents.ts';

/**
 * OpenAPI paths and schemas of agents (definitions, runs, events, approvals), merged into
 * openapi.ts. Request bodies come from the zod schemas the routes validate with, responses from
 * the zod schemas the serializers are typed by.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const list = (item: object) => ({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: item } } });

const nameParam = pathParam('name', AGENT_NAME, 'The agent name.');
const labelParam = pathParam('label', AGENT_LABEL, 'A label name.');
const runIdParam = pathParam('runId', RUN_ID, 'An agent run id (agent-<tenant>-<id>).');
const query = (name: string, schema: object, description: string) => ({ name, in: 'query', required: false, description, schema });

const AGENT_EVENTS = ['run', 'run_started', 'step_started', 'model_text_delta', 'tool_call', 'tool_result', 'approval_needed', 'approval_resolved', 'handoff', 'final', 'error', 'end'] as const;
const agentEventStream = {
  'text/event-stream': {
    schema: {
      type: 'object',
      required: ['event', 'data'],
      properties: { event: { enum: AGENT_EVENTS }, data: { type: 'string', contentMediaType: 'application/json' }, id: { type: 'string' } },
    },
  },
};

export const agentSchemas = {
  AgentInput: z.toJSONSchema(AgentDefinitionSchema, { io: 'input' }),
  AgentRunRequest: z.toJSONSchema(AgentRunRequestSchema, { io: 'input' }),
  ApprovalRequest: z.toJSONSchema(ApprovalBodySchema, { io: 'input' }),
  Agent: responseJsonSchema(AgentSchema),
  AgentVersion: responseJsonSchema(AgentVersionSchema),
  AgentRunState: responseJsonSchema(AgentRunStateSchema),
  AgentEvent: responseJsonSchema(AgentEventSchema),
  ApprovalList: responseJsonSchema(ApprovalListSchema),
};

export const agentPaths = {
  '/v1/agents': {
    get: {
      operationId: 'listAgents',
      summary: "The tenant's agents, each with its latest version",
      parameters: [query('limit', { type: 'integer', minimum: 1, maximum: 200, default: 100 }, 'At most this many.')],
      responses: { '200': { description: 'Agents', content: json(list(ref('Agent'))) } },
    },
    post: {
      operationId: 'createAgent',
      summary: 'Define an agent, or add a new immutable version of one (instructions, model, tools, limits, approval time-out, output schema)',
      requestBody: { required: true, content: json(ref('AgentInput')) },
      responses: {
        '201': { description: 'The new version', content: json(ref('Agent')) },
        '400': errorResponse('validation_failed, invalid_output_schema'),
      },
    },
  },
  '/v1/agents/{name}': {
    get: {
      operationId: 'getAgent',
      summary: 'One agent: a version by number or label (default: the `production` label, else the latest)',
      parameters: [nameParam, query('version', { type: 'integer', minimum: 1, maximum: MAX_AGENT_VERSION }, 'A version number.'), query('label', { type: 'string', pattern: AGENT_LABEL.source }, 'A label.')],
      responses: { '200': { description: 'The agent', content: json(ref('Agent')) }, '404': errorResponse('agent_not_found, agent_version_not_found, agent_label_not_found') },
    },
  },
  '/v1/agents/{name}/versions': {
    get: {
      operationId: 'listAgentVersions',
      summary: "An agent's versions, oldest first",
      parameters: [nameParam],
      responses: { '200': { description: 'Versions', content: json(list(ref('AgentVersion'))) }, '404': errorResponse('agent_not_found') },
    },
  },
  '/v1/agents/{name}/labels/{label}': {
    put: {
      operationId: 'setAgentLabel',
      summary: 'Point a label at a version',
      parameters: [nameParam, labelParam],
      requestBody: { required: true, content: json(z.toJSONSchema(LabelBodySchema, { io: 'input' })) },
      responses: { '200': { description: 'The agent at that version', content: json(ref('Agent')) }, '404': errorResponse('agent_not_found, agent_version_not_found') },
    },
    delete: {
      operationId: 'deleteAgentLabel',
      summary: 'Remove a label',
      parameters: [nameParam, labelParam],
      responses: { '200': { description: 'Removed' }, '404': errorResponse('agent_not_found, agent_label_not_found') },
    },
  },
  '/v1/agents/{name}/runs': {
    post: {
      operationId: 'runAgent',
      summary: 'Start a durable agent run: 202 at once, `wait: true` for its state once it ended, or `stream: true` for its events as Server-Sent Events',
      parameters: [nameParam],
      requestBody: { required: true, content: json(ref('AgentRunRequest')) },
      responses: {
        '202': { description: 'Started', content: json(ref('Run')) },
        '200': { description: 'With `wait`: the ended run\'s state. With `stream`: events (run, run_started, step_started, tool_call, tool_result, approval_needed, approval_resolved, handoff, final or error, end)', content: { ...json(ref('AgentRunState')), ...agentEventStream } },
        '402': errorResponse('A budget refuses the first turn (budget_exceeded)'),
        '404': errorResponse('agent_not_found, agent_version_not_found, agent_label_not_found, template_not_found'),
        '422': errorResponse('idempotency_key_reused'),
      },
    },
  },
  '/v1/runs/{runId}/agent': {
    get: {
      operationId: 'getAgentRun',
      summary: "An agent run's state: status, steps (per-step cost, latency, tool calls), cost so far, pending approvals, transcript",
      parameters: [runIdParam],
      responses: { '200': { description: 'The state', content: json(ref('AgentRunState')) }, '404': errorResponse('run_not_found, not_an_agent_run') },
    },
  },
  '/v1/runs/{runId}/agent/events': {
    get: {
      operationId: 'listAgentEvents',
      summary: "An agent run's events after a sequence number; `follow=true` streams them (Server-Sent Events) until the run ends",
      parameters: [
        runIdParam,
        query('after', { type: 'integer', minimum: 0, default: 0 }, 'Only events with a larger `seq`.'),
        query('follow', { type: 'string', enum: ['true', 'false'], default: 'false' }, 'Stream until the run ends.'),
      ],
      responses: { '200': { description: 'Events', content: { ...json(responseJsonSchema(AgentEventListSchema, new Map([[AgentEventSchema, 'AgentEvent']]))), ...agentEventStream } }, '404': errorResponse('run_not_found, not_an_agent_run') },
    },
  },
  '/v1/runs/{runId}/approvals': {
    get: {
      operationId: 'listApprovals',
      summary: "An agent run's tool calls waiting for a decision, and the decisions made (who, what, why)",
      parameters: [runIdParam],
      responses: { '200': { description: 'Approvals', content: json(ref('ApprovalList')) }, '404': errorResponse('run_not_found, not_an_agent_run') },
    },
    post: {
      operationId: 'decideApproval',
      summary: 'Approve, edit the arguments of, or reject a waiting tool call (approver or admin key; recorded under the calling key)',
      parameters: [runIdParam],
      requestBody: { required: true, content: json(ref('ApprovalRequest')) },
      responses: {
        '202': { description: 'Decision sent to the run', content: json(responseJsonSchema(ApprovalAcceptedSchema)) },
        '403': errorResponse('insufficient_role: approvals need an approver or admin key'),
        '404': errorResponse('run_not_found, not_an_agent_run'),
        '409': errorResponse('run_not_running, approval_not_pending'),
      },
    },
  },
};
