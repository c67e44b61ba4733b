import { heuristicEstimator } from './complexity-estimator.ts';
import type { Capability } from './model-spec.ts';
import { decideRoute, NoRouteError, type RouteConstraints } from './route-decision.ts';
import { decideLearnedRoute, type LoadedRouter } from './learned-route-decision.ts';
import type { ProviderId } from '../providers/provider.ts';
import type { ChatMessage, CompletionInput, ModelCandidate } from '../completions/completion-types.ts';
import type { RegisteredModel } from '../../stores/model-registry.ts';
import { InvalidRequestError, ProviderUnavailableError } from '../errors/domain-error.ts';
import { suggestModels } from './model-suggestions.ts';
import { providerAdapter } from '../providers/provider-registry.ts';

export const AUTO = 'auto';

export interface ModelChoice {
  model?: string | undefined;
  models?: string[] | undefined;
  messages: ChatMessage[];
  maxTokens?: number | undefined;
  constraints: RouteConstraints;
  requires: Capability[];
  /** A learned router decides `auto` (the heuristic otherwise); `shadow` is only recorded. */
  learned?: { live: LoadedRouter; shadow?: LoadedRouter | undefined } | undefined;
  /**
   * What the request itself cannot do without (tools sent: `tools`; a JSON response format:
   * `jsonMode`). Routing also requires them; an explicit list keeps only the models that have
   * them, and a model named alone without them is refused (400 model_lacks_capability).
   */
  needs?: Capability[] | undefined;
}

/** The wire names of capabilities (what GET /v1/models and policies say). */
const CAPABILITY_NAME: Record<Capability, string> = { tools: 'tools', vision: 'vision', jsonMode: 'json_mode', streaming: 'streaming' };

function lacksCapability(id: string, missing: Capability[]): InvalidRequestError {
  const names = missing.map((c) => CAPABILITY_NAME[c]);
  const why = missing.includes('tools') ? 'tool calling' : 'a JSON response format';
  return new InvalidRequestError(
    'model_lacks_capability',
    `Model "${id}" lacks the ${names.join(', ')} capability this request needs (${why}). Send a model whose capabilities include it (GET /v1/models), or "auto".`,
    { model: id, capabilities: names },
  );
}

const fromRegistry = (m: RegisteredModel): ModelCandidate => ({
  modelId: m.id,
  provider: m.provider,
  providerModel: m.providerModel,
  contextWindow: m.contextWindow,
  pricing: m.pricing,
});

/**
 * Refuses model ids a completion could not use: policies and capsules when saved, experiment
 * variants when created, so none of them fails later on every request.
 */
export function checkModelIds(ids: readonly string[], registry: readonly RegisteredModel[], available: ReadonlySet<ProviderId>): void {
  const messages: ChatMessage[] = [];
  for (const id of ids) {
    if (id !== AUTO) resolveCandidates({ model: id, messages, constraints: {}, requires: [] }, registry, available);
  }
}

/**
 * Turns `model`, `models` or `auto` into the ordered candidates the workflow walks. Only
 * registry models are callable: every candidate carries the registry's price, so no call is
 * answered outside the budgets (a vendor-looking name the registry does not list is refused;
 * an admin registers it with its price through PUT /v1/admin/models/{id}).
 */
export function resolveCandidates(
  choice: ModelChoice,
  registry: readonly RegisteredModel[],
  available: ReadonlySet<ProviderId>,
): Pick<CompletionInput, 'requestedModel' | 'candidates' | 'routing'> {
  const byId = new Map(registry.map((m) => [m.id, m]));
  const resolveOne = (id: string): ModelCandidate => {
    const known = byId.get(id);
    if (!known) throw unknownModel(id, 'is not in the registry', registry, available);
    if (!known.enabled) throw unknownModel(id, 'is disabled', registry, available);
    if (!available.has(known.provider)) throw providerNotConfigured(id, known.provider);
    return fromRegistry(known);
  };

  const needs = choice.needs ?? [];
  const missing = (id: string) => needs.filter((c) => !byId.get(id)?.capabilities[c]);
  if (choice.models) {
    const candidates = choice.models.map(resolveOne);
    // A fallback that cannot take the request is no fallback: only capable models stay.
    const capable = candidates.filter((c) => missing(c.modelId).length === 0);
    if (capable.length === 0) throw lacksCapability(choice.models[0]!, missing(choice.models[0]!));
    return { requestedModel: choice.models[0]!, candidates: capable };
  }
  const model = choice.model!;
  if (model !== AUTO) {
    const candidate = resolveOne(model);
    if (missing(model).length > 0) throw lacksCapability(model, missing(model));
    return { requestedModel: model, candidates: [candidate] };
  }

  const usable = registry.filter((m) => m.enabled && available.has(m.provider));
  const estimate = heuristicEstimator.estimate({
    messages: choice.messages,
    requires: [...new Set([...choice.requires, ...needs])],
    ...(choice.maxTokens !== undefined && { maxTokens: choice.maxTokens }),
  });
  try {
    const lastUser = [...choice.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const routing = choice.learned
      ? decideLearnedRoute(estimate, lastUser, usable, choice.constraints, choice.learned.live, choice.learned.shadow)
      : decideRoute(estimate, usable, choice.constraints, heuristicEstimator.name);
    const ids = [routing.chosen.model, ...routing.fallbacks.map((f) => f.model)];
    return { requestedModel: AUTO, candidates: ids.map((id) => fromRegistry(byId.get(id)!)), routing };
  } catch (err) {
    if (err instanceof NoRouteError) {
      throw new InvalidRequestError('no_model_available', `auto routing found no model: ${err.message}`, { reasons: err.reasons });
    }
    throw err;
  }
}

/**
 * 503 `provider_not_configured`: the model exists but this deployment has no way to call its
 * vendor (in production a missing key is never simulated). Names the variable that fixes it.
 */
function providerNotConfigured(id: string, provider: ProviderId): ProviderUnavailableError {
  const variable = providerAdapter(provider)?.env.required;
  const fix = variable ? ` Set ${variable} to enable it.` : ' This build has no adapter for it.';
  return new ProviderUnavailableError(
    'provider_not_configured',
    `Model "${id}" needs the ${provider} provider, which is not configured in this deployment.${fix}`,
    { model: id, provider, ...(variable && { variable }) },
  );
}

/** 400 `model_not_found`, naming the closest ids the caller could use instead (also in `details`). */
function unknownModel(id: string, why: string, registry: readonly RegisteredModel[], available: ReadonlySet<ProviderId>): InvalidRequestError {
  const usable = registry.filter((m) => m.enabled && available.has(m.provider) && m.id !== id).map((m) => m.id);
  const suggestions = suggestModels(id, usable);
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
  return new InvalidRequestError(
    'model_not_found',
    `Model "${id}" ${why}.${hint} GET /v1/models lists the models you can use, or send "auto".`,
    { model: id, suggestions },
  );
}
