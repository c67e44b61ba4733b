import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { CompletionInput, CompletionResult, MemoryInjection } from '../../core/completions/completion-types.ts';
import type { Env } from '../../platform/config.ts';
import { MODEL, PROMPT } from '../../platform/temporal/search-attributes.ts';
import type { PromptReference } from '../../core/prompts/prompt-types.ts';
import type { ChatMessage, ProviderId } from '../../core/providers/provider.ts';
import type { PromptRenderer } from '../../core/prompts/prompt-renderer.ts';
import { ApiError } from '../api-error.ts';
import { acceptedRun, runIdFor, startRun } from '../start-run.ts';
import { completion } from '../../workflows/completion.ts';
import type { BudgetStore } from '../../stores/budgets.ts';
import type { ModelRegistryCache } from '../../stores/model-registry-cache.ts';
import { principalOf } from '../middleware/auth.ts';
import { POLICY_NAME, RoutingOptionsSchema } from '../../core/policies/model-policy.ts';
import type { ModelPolicyStore } from '../../stores/model-policies.ts';
import { streamCompletion, type StreamFormat } from '../completion-stream.ts';
import { modelChoiceProblems, planCompletion } from '../../core/completions/completion-plan.ts';
import type { OpenBreakers } from '../../core/routing/open-breakers.ts';
import type { RouteCandidate, RouteDecision } from '../../core/routing/route-decision-types.ts';
import type { CompletionJson } from '../schemas/completions.ts';
import {
  CompletionMessageSchema,
  ResponseFormatSchema,
  ToolChoiceSchema,
  ToolDefinitionSchema,
  toolCallJson,
  toResponseFormat,
  toToolChoice,
  toToolDefinition,
  type CompletionMessage,
} from '../schemas/tool-calling.ts';
import type { ToolOptions } from '../../core/completions/completion-types.ts';
import { toolOptionProblems, toolTurnProblems } from '../../core/completions/tool-request-problems.ts';
import { CONVERSATION_ID, conversationNotFound } from './conversations.ts';
import { fromStoredTurn } from '../../core/completions/conversation-turns.ts';
import { CollectionSchema } from './memory.ts';
import type { ConversationStore } from '../../stores/conversations.ts';
import { idempotencyKeyReused, requestHash, runIdempotencyKeyOf } from '../middleware/idempotency.ts';
import type { RunStreamBus } from '../../stores/run-streams/run-stream-bus.ts';
import { TemplateReferenceSchema } from '../prompt-schemas.ts';
import { toApiError } from '../temporal-errors.ts';
import { parseInput, type ValidationProblem } from '../validation.ts';

export const CompletionRequestSchema = z
  .object({
    /** A model id, or `auto` for cost-aware routing. Exactly one of `model` and `models`. */
    model: z.string().min(1).max(200).optional(),
    /** An explicit fallback chain, tried in order. */
    models: z.array(z.string().min(1).max(200)).min(1).max(5).optional(),
    /** A named model policy of the tenant (model or chain or auto, with defaults) instead of model/models. */
    policy: z.string().regex(POLICY_NAME, 'a policy name').optional(),
    routing: RoutingOptionsSchema.optional(),
    messages: z.array(CompletionMessageSchema).min(1).max(1000),
    /** Functions the model may call; the answer then may carry `tool_calls` (finish_reason tool_calls). */
    tools: z.array(ToolDefinitionSchema).max(128).optional(),
    tool_choice: ToolChoiceSchema.optional(),
    /** False: at most one call per answer. */
    parallel_tool_calls: z.boolean().optional(),
    response_format: ResponseFormatSchema.optional(),
    max_tokens: z.number().int().min(1).max(1_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).optional(),
    /** Return 202 with the run id at once instead of waiting for the answer. */
    background: z.boolean().optional(),
    /** Retrieve context for the last user message and put it in front of the model (memory injection). */
    memory: z
      .object({
        collections: z.array(CollectionSchema).max(50).optional().describe('Document collections to search (default: all).'),
        sources: z.array(z.enum(['documents', 'conversations'])).min(1).max(2).default(['documents']),
        /** With `conversations`: only this conversation's earlier messages (default: the one continued, else all). */
        conversation: z.string().regex(CONVERSATION_ID).optional(),
        k: z.number().int().min(1).max(50).default(5),
        budget_tokens: z.number().int().min(50).max(32_000).default(1500),
      })
      .strict()
      .optional(),
    /** Continue this conversation: its stored messages come first; the new ones and the answer are added to it. */
    conversation: z.string().regex(CONVERSATION_ID, 'a conversation id (conv_...)').optional(),
    /** Answer with Server-Sent Events: the run id, text deltas as they arrive, then the result. */
    stream: z.boolean().optional(),
  })
  .strict();

export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

/** The same request with a template (name, label or version, variables) in place of `messages`. */
export const TemplateCompletionRequestSchema = CompletionRequestSchema.omit({ messages: true })
  .extend({ template: TemplateReferenceSchema.describe('Render this template version into the messages.') })
  .strict();

/** The model choice, and stream with background (a background run answers at once with its id). */
function requestProblems(body: unknown): ValidationProblem[] {
  const problems = modelChoiceProblems(body);
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    if (record.stream === true && record.background === true) {
      problems.push({ path: 'stream', code: 'incompatible_options', message: '"stream" and "background" cannot both be true: a background run answers at once with its id.' });
    }
  }
  return problems;
}

const namesTemplate = (body: unknown): boolean => typeof body === 'object' && body !== null && !Array.isArray(body) && 'template' in body;

/** The `auto` policy's decision; `signals` keys are signal names (snake_case already). */
function routingJson(d: RouteDecision): NonNullable<CompletionJson['routing']> {
  const candidate = (c: RouteCandidate) => ({ model: c.model, estimated_cost_usd: c.estimatedCostUsd });
  const learned = d.learned && {
    version: d.learned.version,
    kind: d.learned.kind,
    p_cheap: d.learned.pCheap,
    threshold: d.learned.threshold,
    ...(d.learned.shadow && { shadow: { version: d.learned.shadow.version, model: d.learned.shadow.model, p_cheap: d.learned.shadow.pCheap, threshold: d.learned.shadow.threshold } }),
  };
  return { policy: d.policy, estimator: d.estimator, score: d.score, tier: d.tier, signals: d.signals, chosen: candidate(d.chosen), fallbacks: d.fallbacks.map(candidate), reasons: d.reasons, ...(learned && { learned }) };
}

/** Our wire messages as the providers' shared shape. */
export function chatMessagesOf(messages: CompletionMessage[]): ChatMessage[] {
  // The schema has checked the role rules (tool_call_id on tool messages, content where required).
  return messages.map((m): ChatMessage => {
    const content = m.content ?? '';
    if (m.role === 'tool') return { role: 'tool', content, toolCallId: m.tool_call_id ?? '' };
    if (m.role === 'assistant' && m.tool_calls) return { role: 'assistant', content, toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) };
    return { role: m.role, content };
  });
}

/** The request's tool fields in our shared shape. */
function toolOptionsOf(body: CompletionAsk): ToolOptions {
  return {
    ...(body.tools !== undefined && { tools: body.tools.map(toToolDefinition) }),
    ...(body.tool_choice !== undefined && { toolChoice: toToolChoice(body.tool_choice) }),
    ...(body.parallel_tool_calls !== undefined && { parallelToolCalls: body.parallel_tool_calls }),
    ...(body.response_format !== undefined && { responseFormat: toResponseFormat(body.response_format) }),
  };
}

export function completionResponse(runId: string, result: CompletionResult): CompletionJson {
  return {
    id: runId,
    object: 'completion',
    /** The model that answered (a registry id). */
    model: result.modelId,
    requested_model: result.requestedModel,
    provider: result.provider,
    provider_model: result.model,
    text: result.text,
    ...(result.toolCalls && result.toolCalls.length > 0 && { tool_calls: result.toolCalls.map(toolCallJson) }),
    finish_reason: result.finishReason,
    usage: { input_tokens: result.usage.inputTokens, output_tokens: result.usage.outputTokens },
    simulated: result.simulated,
    attempts: result.attempt,
    latency_ms: Math.round(result.latencyMs),
    cost_usd: result.costUsd,
    fallback_depth: result.fallbackDepth,
    attempt_history: result.history.map((h) => ({ model: h.model, provider: h.provider, outcome: h.outcome, error: h.error ?? null, attempts: h.attempts })),
    ...(result.routing && { routing: routingJson(result.routing) }),
    ...(result.policy && { policy: result.policy }),
    ...(result.conversationId && { conversation: result.conversationId }),
    ...(result.injected && { memory: { injected: result.injected } }),
    ...(result.budgetDowngrade && { budget_downgrade: { from: result.budgetDowngrade.from, budget_id: result.budgetDowngrade.budgetId } }),
    ...(result.prompt && {
      prompt: { name: result.prompt.name, version: result.prompt.version, label: result.prompt.label, content_hash: result.prompt.contentHash },
    }),
  };
}

export interface CompletionRouteDeps {
  client: Client;
  /**
   * A client that shares its NativeConnection with a worker in this process: completions are
   * then started with eager workflow start (the first workflow task runs here, with no
   * task-queue round trip). Without one, `client` starts them normally.
   */
  eagerStarter?: Client;
  env: Env;
  /** Providers that exist in this deployment; other model names are refused up front. */
  availableProviders: ReadonlySet<ProviderId>;
  /** The model registry (prices, context windows) used to resolve and route models. */
  models: ModelRegistryCache;
  budgets: BudgetStore;
  /** Renders a named template into the messages (requests with `template`). */
  prompts: PromptRenderer;
  /** Carries streamed runs' tokens from the workers to this process. */
  streams: RunStreamBus;
  /** Named model policies, and the tenant's default. */
  policies: ModelPolicyStore;
  conversations: ConversationStore;
  /** Breakers open right now: their candidates are passed over without a call. */
  openBreakers?: OpenBreakers;
}

function memoryInjection(memory: NonNullable<CompletionRequest['memory']>, messages: ChatMessage[], continued: string | undefined): MemoryInjection {
  const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? messages.at(-1)!.content;
  const conversationId = memory.conversation ?? continued;
  return {
    // The end of a long message says most about what is being asked now.
    query: question.slice(-2000),
    k: memory.k,
    budgetTokens: memory.budget_tokens,
    ...(memory.collections && { collections: memory.collections }),
    ...(conversationId && { conversationId }),
    documents: memory.sources.includes('documents'),
    conversations: memory.sources.includes('conversations'),
  };
}

/** How much of a conversation a completion sees: its newest messages. */
const CONVERSATION_WINDOW = 200;

/**
 * How the answer is delivered, not what is asked: a retry that adds `background` or `stream`
 * under the same Idempotency-Key joins the run the first request started (docs: API overview).
 */
const DELIVERY_FIELDS: readonly string[] = ['background', 'stream'];

/** What a caller asks one completion for, once its messages are known (template rendered, conversation loaded). */
export type CompletionAsk = Omit<CompletionRequest, 'messages'>;

/** A completion run planned and named but not started yet: `start` starts it (or joins it, for an Idempotency-Key retry). */
export interface PreparedCompletion {
  input: CompletionInput;
  runId: string;
  start(): Promise<WorkflowHandle<typeof completion>>;
}

/**
 * The one start path of every completion run, whatever shape the request came in
 * (`/v1/completions`, the OpenAI-compatible `/v1/chat/completions`): conversation, planning
 * (policy, routing, budgets, breakers), memory, the run id from the Idempotency-Key, and the
 * start itself. `deliveryFields` are the body fields that say how the answer is delivered,
 * not what is asked, left out of the idempotency hash.
 */
export async function prepareCompletion(
  deps: CompletionRouteDeps,
  req: Request,
  body: CompletionAsk,
  asked: { messages: ChatMessage[]; prompt?: PromptReference | undefined; deliveryFields?: readonly string[] },
): Promise<PreparedCompletion> {
  const { tenantId, keyId } = principalOf(req);
  const { prompt } = asked;
  let messages = asked.messages;
  let conversation: CompletionInput['conversation'];
  if (body.conversation !== undefined) {
    if (!(await deps.conversations.get(tenantId, body.conversation))) throw conversationNotFound(body.conversation);
    const history = await deps.conversations.messages(tenantId, body.conversation, { last: CONVERSATION_WINDOW });
    // System messages steer this request; the conversation keeps what was said.
    conversation = { id: body.conversation, append: messages.filter((m) => m.role !== 'system') };
    const system = messages.filter((m) => m.role === 'system');
    messages = [...system, ...history.map(fromStoredTurn), ...conversation.append];
  }
  const tools = toolOptionsOf(body);
  // Checked on the whole conversation: a result may answer a call stored in the one continued.
  const problems = [...toolOptionProblems(tools), ...toolTurnProblems(messages)];
  if (problems.length > 0) throw new ApiError(400, 'invalid_request_error', problems[0]!.code, problems[0]!.message, problems);
  const input: CompletionInput = {
    ...(await planCompletion(deps, { tenantId, keyId }, body, messages, tools)),
    ...(prompt && { prompt }),
    ...(body.stream && { stream: true }),
    ...(conversation && { conversation }),
    ...(body.memory && { memory: memoryInjection(body.memory, messages, body.conversation) }),
  };
  // Bound to the API key: another key of the tenant with the same Idempotency-Key gets its own run.
  const idempotencyKey = runIdempotencyKeyOf(req);
  const runId = runIdFor('completion', tenantId, idempotencyKey);
  const start = () => startRun({
    client: deps.eagerStarter ?? deps.client,
    eager: deps.eagerStarter !== undefined,
    taskQueue: deps.env.TEMPORAL_TASK_QUEUE,
    workflow: completion,
    kind: 'completion',
    tenantId,
    workflowId: runId,
    args: [input],
    searchAttributes: [
      { key: MODEL, value: input.requestedModel },
      ...(prompt ? [{ key: PROMPT, value: `${prompt.name}@${prompt.version}` }] : []),
    ],
    // The memo keeps the whole reference (label asked for, content hash) next to the run.
    ...(prompt && { memo: { prompt } }),
    ...(idempotencyKey !== undefined && { idempotent: { requestHash: requestHash(req, asked.deliveryFields ?? DELIVERY_FIELDS), onMismatch: idempotencyKeyReused } }),
  });
  return { input, runId, start };
}

/** Starts a prepared run and relays its tokens as Server-Sent Events, in our format unless `format` says otherwise. */
export function streamPrepared(deps: CompletionRouteDeps, req: Request, res: Response, prepared: PreparedCompletion, format?: StreamFormat): Promise<void> {
  const { input, runId, start } = prepared;
  return streamCompletion({
    req,
    res,
    bus: deps.streams,
    runId,
    model: input.candidates[0]!.modelId,
    passedOver: input.candidates.filter((c) => c.breakerOpen).map((c) => c.modelId),
    requestedModel: input.requestedModel,
    start,
    respond: (result) => completionResponse(runId, result),
    ...(format && { format }),
  });
}

/** Awaits a run's result; a failed run becomes the error the caller gets. */
export async function completionResult(handle: WorkflowHandle<typeof completion>): Promise<CompletionResult> {
  try {
    return (await handle.result()) as CompletionResult;
  } catch (err) {
    throw toApiError(err);
  }
}

export function completionsRouter(deps: CompletionRouteDeps): Router {
  const router = Router();
  router.post('/v1/completions', async (req, res) => {
    const { tenantId } = principalOf(req);
    const extra = requestProblems(req.body);
    const body = namesTemplate(req.body)
      ? parseInput(TemplateCompletionRequestSchema, req.body, undefined, extra)
      : parseInput(CompletionRequestSchema, req.body, undefined, extra);
    let messages: ChatMessage[];
    let prompt: PromptReference | undefined;
    if ('template' in body) {
      const { name, label, version, variables } = body.template;
      const rendered = await deps.prompts.render(tenantId, name, { label, version }, variables);
      // A text template is the user's message; a chat template is the whole conversation.
      messages = rendered.type === 'chat' ? rendered.messages : [{ role: 'user', content: rendered.text }];
      if (messages.length === 0) throw new ApiError(400, 'invalid_request_error', 'template_render_failed', `Template "${name}" rendered no messages with these variables.`);
      prompt = rendered.reference;
    } else {
      messages = chatMessagesOf(body.messages);
    }
    const prepared = await prepareCompletion(deps, req, body, { messages, prompt });
    const { runId, start } = prepared;
    if (body.stream) {
      await streamPrepared(deps, req, res, prepared);
      return;
    }
    const handle = await start();
    if (body.background) {
      acceptedRun(res, runId, 'completion');
      return;
    }
    res.status(200).json(completionResponse(runId, await completionResult(handle)));
  });
  return router;
}
