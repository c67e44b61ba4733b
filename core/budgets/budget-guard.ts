import { estimateTokens } from '../routing/complexity-estimator.ts';
import { costUsd, type Capability } from '../routing/model-spec.ts';
import type { ProviderId } from '../providers/provider.ts';
import type { ChatMessage, CompletionInput } from '../completions/completion-types.ts';
import type { BudgetStore, BudgetWithSpend } from '../../stores/budgets.ts';
import type { RegisteredModel } from '../../stores/model-registry.ts';
import { InsufficientBudgetError } from '../errors/domain-error.ts';

type Chain = Pick<CompletionInput, 'requestedModel' | 'candidates' | 'routing' | 'budgetDowngrade'>;

/** Output tokens assumed when the request sets no max_tokens: a typical answer. */
const DEFAULT_OUTPUT_TOKENS = 512;

function exceeded(budget: BudgetWithSpend, estimateUsd: number): InsufficientBudgetError {
  const scope = budget.apiKeyId ? `API key ${budget.apiKeyId}` : 'tenant';
  return new InsufficientBudgetError(
    'budget_exceeded',
    `The ${budget.period}ly budget of the ${scope} ($${budget.limitUsd}) would be exceeded: $${budget.spentUsd.toFixed(6)} spent, this request is estimated at $${estimateUsd.toFixed(6)}.`,
    { budget_id: budget.id, period: budget.period, limit_usd: budget.limitUsd, spent_usd: budget.spentUsd, estimated_usd: estimateUsd, period_start: budget.periodStart.toISOString() },
  );
}

/**
 * Checks the request's estimated cost against every budget that applies before a run starts.
 * Over budget, a `reject` budget refuses (402); a `downgrade` budget swaps the chain for the
 * cheapest enabled model that fits the context and the remaining budget. Actual spend is
 * counted when runs finish, so the next request sees it; runs still in flight are not
 * counted yet (documented limit).
 */
export async function enforceBudgets(
  deps: { budgets: BudgetStore },
  who: { tenantId: string; keyId: string },
  chain: Chain,
  request: { messages: ChatMessage[]; maxTokens?: number | undefined; requires?: readonly Capability[] | undefined },
  registry: readonly RegisteredModel[],
  available: ReadonlySet<ProviderId>,
): Promise<Chain> {
  const budgets = await deps.budgets.applicable(who.tenantId, who.keyId);
  if (budgets.length === 0) return chain;
  const inputTokens = estimateTokens(request.messages.map((m) => m.content).join('\n')) + 4 * request.messages.length;
  const outputTokens = request.maxTokens ?? DEFAULT_OUTPUT_TOKENS;
  const first = chain.candidates[0]!;
  const cost = costUsd(first, inputTokens, outputTokens);
  const over = budgets.find((b) => b.spentUsd + cost > b.limitUsd);
  if (!over) return chain;
  if (over.onExceed === 'reject') throw exceeded(over, cost);

  const room = Math.min(...budgets.map((b) => b.limitUsd - b.spentUsd));
  const cheapest = registry
    // A downgrade must still do what the request needs (tools, JSON mode).
    .filter((m) => m.enabled && available.has(m.provider) && m.contextWindow >= inputTokens + outputTokens && (request.requires ?? []).every((c) => m.capabilities[c]))
    .map((m) => ({ m, cost: costUsd(m, inputTokens, outputTokens) }))
    .filter((x) => x.cost <= room)
    .sort((a, b) => a.cost - b.cost)[0];
  if (!cheapest) throw exceeded(over, cost);
  const m = cheapest.m;
  return {
    requestedModel: chain.requestedModel,
    candidates: [{ modelId: m.id, provider: m.provider, providerModel: m.providerModel, contextWindow: m.contextWindow, pricing: m.pricing }],
    ...(chain.routing && { routing: chain.routing }),
    budgetDowngrade: { from: first.modelId, budgetId: over.id },
  };
}
