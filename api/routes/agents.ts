import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { AgentDefinitionSchema, AgentLabelSchema, AGENT_LABEL, AGENT_NAME, MAX_AGENT_VERSION, specOf } from '../../core/agents/agent-definition.ts';
import { agentSnapshot } from '../../core/agents/agent-snapshot.ts';
import { AGENT_KIND, type AgentRunInput } from '../../core/agents/agent-types.ts';
import { checkOutputSchema } from '../../core/agents/output-guardrail.ts';
import { planCompletion, type PlanDeps } from '../../core/completions/completion-plan.ts';
import type { ChatMessage } from '../../core/providers/provider.ts';
import type { PromptRenderer } from '../../core/prompts/prompt-renderer.ts';
import type { Env } from '../../platform/config.ts';
import type { RunStreamBus } from '../../stores/run-streams/run-stream-bus.ts';
import { AGENT } from '../../platform/temporal/search-attributes.ts';
import type { Agent, AgentStore, AgentVersion } from '../../stores/agents.ts';
import { agent as agentWorkflow } from '../../workflows/agent.ts';
import { relayAgentEvents, openEventStream } from '../agent-event-stream.ts';
import { ApiError, notFound } from '../api-error.ts';
import { principalOf } from '../middleware/auth.ts';
import { idempotencyKeyReused, requestHash, runIdempotencyKeyOf } from '../middleware/idempotency.ts';
import type { AgentJson, AgentVersionJson } from '../schemas/agents.ts';
import { acceptedRun, runIdFor, startRun } from '../start-run.ts';
import { parseInput } from '../validation.ts';
import { agentRunStateJson } from './agent-runs.ts';

export interface AgentRouteDeps {
  client: Client;
  /** Where streamed turns publish their tokens (relayed as model_text_delta). */
  streams: RunStreamBus;
  env: Env;
  agents: AgentStore;
  prompts: PromptRenderer;
  plan: PlanDeps;
}

const MessageSchema = z
  .object({ role: z.enum(['user', 'assistant', 'system']), content: z.string().max(200_000) })
  .strict();

export const AgentRunRequestSchema = z
  .object({
    input: z.union([z.string().min(1).max(200_000), z.array(MessageSchema).min(1).max(200)]).describe('The user\'s message, or the conversation so far.'),
    version: z.number().int().min(1).max(MAX_AGENT_VERSION).optional(),
    label: AgentLabelSchema.optional(),
    variables: z.record(z.string(), z.unknown()).optional().describe('Variables for instructions from a prompt template.'),
    stream: z.boolean().default(false).describe('Answer with the run\'s events as Server-Sent Events until it ends.'),
    wait: z.boolean().default(false).describe('Answer once the run has ended (200, the run\'s state) instead of 202 at once.'),
  })
  .strict()
  .refine((b) => b.version === undefined || b.label === undefined, { message: 'Give "version" or "label", not both.', path: ['label'] })
  .refine((b) => !(b.stream && b.wait), { message: 'Give "stream" or "wait", not both.', path: ['wait'] });

export const LabelBodySchema = z.object({ version: z.number().int().min(1).max(MAX_AGENT_VERSION) }).strict();

const SelectorQuerySchema = z
  .object({ version: z.coerce.number().int().min(1).max(MAX_AGENT_VERSION).optional(), label: AgentLabelSchema.optional() })
  .strict();
const ListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(100) }).strict();

function agentName(req: Request): string {
  const name = String(req.params.name);
  if (!AGENT_NAME.test(name)) throw notFound('agent_not_found', `No agent "${name}".`);
  return name;
}

function labelName(req: Request): string {
  const label = String(req.params.label);
  if (!AGENT_LABEL.test(label)) throw new ApiError(400, 'invalid_request_error', 'invalid_label', `"${label}" is not a label name (a lowercase letter, then lowercase letters, digits, "_" or "-").`);
  return label;
}

export function versionJson(version: AgentVersion): AgentVersionJson {
  return {
    object: 'agent_version',
    name: version.name,
    version: version.version,
    definition: version.spec,
    note: version.note,
    created_by: version.createdBy,
    created_at: version.createdAt.toISOString(),
  };
}

export function agentJson(agent: Agent, version: AgentVersion): AgentJson {
  return {
    object: 'agent',
    name: agent.name,
    description: agent.description,
    latest_version: agent.latestVersion,
    labels: agent.labels,
    version: version.version,
    definition: version.spec,
    note: version.note,
    created_by: version.createdBy,
    created_at: agent.createdAt.toISOString(),
    updated_at: agent.updatedAt.toISOString(),
  };
}

export function agentsRouter(deps: AgentRouteDeps): Router {
  const router = Router();

  router.post('/v1/agents', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const definition = parseInput(AgentDefinitionSchema, req.body);
    if (definition.output_schema) checkOutputSchema(definition.output_schema);
    const { agent, version } = await deps.agents.createVersion(tenantId, {
      name: definition.name,
      description: definition.description,
      spec: specOf(definition),
      note: definition.note,
      labels: definition.labels,
      createdBy: keyId,
    });
    res.status(201).location(`/v1/agents/${agent.name}`).json(agentJson(agent, version));
  });

  router.get('/v1/agents', async (req, res) => {
    const { tenantId } = principalOf(req);
    const { limit } = parseInput(ListQuerySchema, req.query, 'query string');
    const agents = await deps.agents.list(tenantId, limit);
    const data = await Promise.all(agents.map(async (a) => agentJson(a, await deps.agents.getVersion(tenantId, a.name, { version: a.latestVersion }))));
    res.json({ object: 'list', data });
  });

  router.get('/v1/agents/:name', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = agentName(req);
    const selector = parseInput(SelectorQuerySchema, req.query, 'query string');
    const version = await deps.agents.getVersion(tenantId, name, selector);
    const agent = await deps.agents.get(tenantId, name);
    if (!agent) throw notFound('agent_not_found', `No agent "${name}".`);
    res.json(agentJson(agent, version));
  });

  router.get('/v1/agents/:name/versions', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = agentName(req);
    if (!(await deps.agents.get(tenantId, name))) throw notFound('agent_not_found', `No agent "${name}".`);
    res.json({ object: 'list', data: (await deps.agents.listVersions(tenantId, name)).map(versionJson) });
  });

  router.put('/v1/agents/:name/labels/:label', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const name = agentName(req);
    const label = labelName(req);
    const { version } = parseInput(LabelBodySchema, req.body ?? {});
    const agent = await deps.agents.moveLabel(tenantId, name, label, version, keyId);
    res.json(agentJson(agent, await deps.agents.getVersion(tenantId, name, { version })));
  });

  router.delete('/v1/agents/:name/labels/:label', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = agentName(req);
    const label = labelName(req);
    if (!(await deps.agents.deleteLabel(tenantId, name, label))) throw notFound('agent_label_not_found', `Agent "${name}" has no label "${label}".`);
    res.json({ name, label, deleted: true });
  });

  router.post('/v1/agents/:name/runs', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const name = agentName(req);
    const body = parseInput(AgentRunRequestSchema, req.body);
    const snapshot = await agentSnapshot({ agents: deps.agents, prompts: deps.prompts }, tenantId, { name, version: body.version, label: body.label, variables: body.variables });
    const messages: ChatMessage[] = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
    // The first turn's plan, made here only to refuse what every turn would refuse (no such
    // policy, no model, budget exhausted) with a 4xx now rather than a failed run later.
    // With tools, only models that can call them qualify (a named one that cannot: 400 model_lacks_capability).
    const needsTools = (snapshot.toolNames?.length ?? 0) > 0 || (snapshot.handoffs?.length ?? 0) > 0;
    const probe = needsTools ? { tools: [{ name: 'probe', parameters: { type: 'object' } }] } : {};
    await planCompletion(deps.plan, { tenantId, keyId }, snapshot.modelChoice, [{ role: 'system', content: snapshot.instructions }, ...messages], probe);
    const input: AgentRunInput = { tenantId, apiKeyId: keyId, agent: snapshot, messages, ...(body.stream && { streamText: true }) };
    const idempotencyKey = runIdempotencyKeyOf(req);
    const runId = runIdFor(AGENT_KIND, tenantId, idempotencyKey);
    const handle = await startRun({
      client: deps.client,
      taskQueue: deps.env.TEMPORAL_TASK_QUEUE,
      workflow: agentWorkflow,
      kind: AGENT_KIND,
      tenantId,
      workflowId: runId,
      args: [input],
      searchAttributes: [{ key: AGENT, value: snapshot.name }],
      memo: { agent: { name: snapshot.name, version: snapshot.version } },
      ...(idempotencyKey !== undefined && { idempotent: { requestHash: requestHash(req), onMismatch: idempotencyKeyReused } }),
    });
    if (body.stream) {
      const send = openEventStream(res);
      send('run', { id: runId, object: 'run', kind: AGENT_KIND, agent: snapshot.name, version: snapshot.version });
      await relayAgentEvents(req, res, handle, 0, { alreadyOpen: send, bus: deps.streams });
      return;
    }
    if (body.wait) {
      await handle.result().catch(() => undefined);
      res.json(await agentRunStateJson(handle));
      return;
    }
    acceptedRun(res, runId, AGENT_KIND);
  });

  return router;
}
