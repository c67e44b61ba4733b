import type { CompletionInput, ChatMessage, ToolOptions } from './completion-types.ts';
import type { Capability } from '../routing/model-spec.ts';
import type { RoutingOptions } from '../policies/model-policy.ts';
import type { Env } from '../../platform/config.ts';
import type { ProviderId } from '../providers/provider.ts';
import type { BudgetStore } from '../../stores/budgets.ts';
import type { ModelPolicy, ModelPolicyStore } from '../../stores/model-policies.ts';
import type { ModelRegistryCache } from '../../stores/model-registry-cache.ts';
import { InvalidRequestError } from '../errors/domain-error.ts';
import { enforceBudgets } from '../budgets/budget-guard.ts';
import { resolveCandidates } from '../routing/model-resolution.ts';
import type { OpenBreakers } from '../routing/open-breakers.ts';
import type { LearnedRouterCache } from '../routing/learned-router-cache.ts';
import type { ValidationProblem } from '../errors/validation-problem.ts';

export interface PlanDeps {
  env: Env;
  availableProviders: ReadonlySet<ProviderId>;
  models: ModelRegistryCache;
  budgets: BudgetStore;
  policies: ModelPolicyStore;
  openBreakers?: OpenBreakers;
  /** The tenant's trained routers, for policies with `learned_router`. */
  learnedRouters?: LearnedRouterCache;
}

/** How a request chooses its model and parameters (completions, RAG answers). */
export interface ModelChoiceRequest {
  model?: string | undefined;
  models?: string[] | undefined;
  policy?: string | undefined;
  routing?: RoutingOptions | undefined;
  max_tokens?: number | undefined;
  temperature?: number | undefined;
  top_p?: number | undefined;
  stop?: string | string[] | undefined;
  background?: boolean | undefined;
}

/** `model`, `models` and `policy` are alternatives: at most one (none: the tenant's default policy). */
export function modelChoiceProblems(body: unknown): ValidationProblem[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const record = body as Record<string, unknown>;
  const given = ['model', 'models', 'policy'].filter((key) => record[key] !== undefined).length;
  if (given <= 1) return [];
  return [{ path: 'model', code: 'exactly_one_of', message: 'Send at most one of "model" (a model id or "auto"), "models" (a fallback list) and "policy" (a named policy); with none, the default policy applies.' }];
}

export type PlannedCompletion = Omit<CompletionInput, 'prompt' | 'stream' | 'conversation' | 'memory'>;

/**
 * The capabilities a request cannot do without: tools need `tools`, a JSON response format
 * `jsonMode`. A conversation that already holds tool turns needs `tools` too, even when this
 * turn offers none (an agent's final turn, a handoff): a model without tool support cannot read
 * `tool` messages and its server refuses them.
 */
export function capabilitiesNeeded(options: ToolOptions, messages: readonly ChatMessage[] = []): Capability[] {
  const needs: Capability[] = [];
  const holdsToolTurns = messages.some((m) => m.role === 'tool' || (m.toolCalls?.length ?? 0) > 0);
  if ((options.tools?.length ?? 0) > 0 || holdsToolTurns) needs.push('tools');
  if (options.responseFormat !== undefined && options.responseFormat.type !== 'text') needs.push('jsonMode');
  return needs;
}

/**
 * The shared path from "what the caller asked for" to a completion workflow's input: the
 * policy (named, or the tenant default), routing or the explicit chain, budgets (refuse or
 * downgrade), breakers known open, and parameters.
 */
export async function planCompletion(
  deps: PlanDeps,
  principal: { tenantId: string; keyId: string },
  body: ModelChoiceRequest,
  messages: ChatMessage[],
  tools: ToolOptions = {},
): Promise<PlannedCompletion> {
  const { tenantId, keyId } = principal;
  const policy = await policyFor(deps.policies, tenantId, body);
  // The request's own settings win over its policy's.
  const routing = body.routing ?? policy?.spec.routing;
  const maxTokens = body.max_tokens ?? policy?.spec.parameters?.max_tokens;
  const temperature = body.temperature ?? policy?.spec.parameters?.temperature;
  const registry = await deps.models.models();
  const needs = capabilitiesNeeded(tools, messages);
  const live = routing?.learned_router && deps.learnedRouters ? await deps.learnedRouters.get(tenantId, routing.learned_router) : undefined;
  const shadow = live && routing?.shadow_router && deps.learnedRouters ? await deps.learnedRouters.get(tenantId, routing.shadow_router) : undefined;
  const resolved = resolveCandidates(
    {
      model: body.model ?? policy?.spec.model,
      models: body.models ?? policy?.spec.models,
      messages,
      maxTokens,
      constraints: {
        ...(routing?.quality_floor !== undefined && { qualityFloor: routing.quality_floor }),
        ...(routing?.latency_ceiling_ms !== undefined && { latencyCeilingMs: routing.latency_ceiling_ms }),
        ...(routing?.fallbacks !== undefined && { fallbacks: routing.fallbacks }),
        ...(routing?.upgrade_allowance_usd !== undefined && { upgradeAllowanceUsd: routing.upgrade_allowance_usd }),
      },
      requires: (routing?.requires ?? []).map((c) => (c === 'json_mode' ? 'jsonMode' : c)),
      needs,
      ...(live && { learned: { live, shadow } }),
    },
    registry,
    deps.availableProviders,
  );
  const chain = await enforceBudgets({ budgets: deps.budgets }, { tenantId, keyId }, resolved, { messages, maxTokens, requires: needs }, registry, deps.availableProviders);
  const open = deps.openBreakers ? await deps.openBreakers.current().catch(() => new Set<string>()) : new Set<string>();
  return {
    tenantId,
    apiKeyId: keyId,
    ...chain,
    candidates: chain.candidates.map((c) => (open.has(c.modelId) ? { ...c, breakerOpen: true } : c)),
    messages,
    parameters: {
      ...(maxTokens !== undefined && { maxTokens }),
      ...(temperature !== undefined && { temperature }),
      ...(body.top_p !== undefined && { topP: body.top_p }),
      ...(body.stop !== undefined && { stop: typeof body.stop === 'string' ? [body.stop] : body.stop }),
    },
    ...(tools.tools && tools.tools.length > 0 && { tools: tools.tools }),
    ...(tools.toolChoice !== undefined && { toolChoice: tools.toolChoice }),
    ...(tools.parallelToolCalls !== undefined && { parallelToolCalls: tools.parallelToolCalls }),
    ...(tools.responseFormat !== undefined && tools.responseFormat.type !== 'text' && { responseFormat: tools.responseFormat }),
    maxAttempts: deps.env.PROVIDER_MAX_ATTEMPTS,
    heartbeatTimeoutMs: deps.env.ACTIVITY_HEARTBEAT_TIMEOUT_MS,
    callTimeoutMs: deps.env.PROVIDER_TIMEOUT_MS,
    // While a local activity runs the workflow task stays open, so a status query waits for
    // it; background runs are the ones whose status gets asked, so they keep the activity.
    callMode: body.background ? 'activity' : deps.env.MODEL_CALL_MODE,
    ...(policy && { policy: policy.name }),
  };
}

/** The policy a request uses: the one it names, or the tenant's default when it names no model. */
async function policyFor(policies: ModelPolicyStore, tenantId: string, body: { policy?: string | undefined; model?: string | undefined; models?: string[] | undefined }): Promise<ModelPolicy | undefined> {
  if (body.policy !== undefined) {
    const named = await policies.get(tenantId, body.policy);
    if (!named) throw new InvalidRequestError('policy_not_found', `No policy "${body.policy}". GET /v1/policies lists them.`);
    return named;
  }
  if (body.model !== undefined || body.models !== undefined) return undefined;
  const fallback = await policies.getDefault(tenantId);
  if (!fallback) {
    throw new InvalidRequestError('model_required', 'Send "model" (a model id or "auto"), "models" or "policy" — or make a policy the default (PUT /v1/policies/{name} with "default": true).');
  }
  return fallback;
}
