/**
 * The shared budget of a swarm: a supervisor's cost limit bounds the whole tree. Each child agent
 * it starts gets a slice of what is left — shared equally among the children started in the same
 * turn — as its own limit (AgentRunInput.budgetUsd), and what a child spent is added to the
 * supervisor's cost, so the next turn sees less left. A child can overrun its slice by at most
 * one model turn (a turn's cost is known only once it answered), the same bound a single agent's
 * max_cost_usd has.
 *
 * Pure: the agent workflow calls it.
 */

/** Below this a slice could not pay for a single model turn: the child is not started. */
export const MIN_CHILD_BUDGET_USD = 1e-9;

export type ChildBudget =
  | { ok: true; /** The child's limit; null: the supervisor has no limit and none was asked for. */ budgetUsd: number | null }
  | { ok: false; error: { code: 'budget_exhausted'; message: string } };

export interface ChildBudgetRequest {
  /** What is left of the supervisor's limit (Infinity without one). */
  remainingUsd: number;
  /** Children started in the same turn, this one included (at least 1). */
  siblings: number;
  /** A limit the model asked for (start_agent's max_cost_usd): the slice never exceeds it. */
  requestedUsd?: number | undefined;
}

export function childBudget(request: ChildBudgetRequest): ChildBudget {
  const siblings = Math.max(1, Math.floor(request.siblings));
  const requested = request.requestedUsd !== undefined && Number.isFinite(request.requestedUsd) && request.requestedUsd > 0 ? request.requestedUsd : undefined;
  if (!Number.isFinite(request.remainingUsd)) return { ok: true, budgetUsd: requested ?? null };
  const slice = request.remainingUsd / siblings;
  if (!(slice >= MIN_CHILD_BUDGET_USD)) {
    return {
      ok: false,
      error: { code: 'budget_exhausted', message: `The swarm's budget is spent (${Math.max(0, request.remainingUsd).toPrecision(3)} USD left for ${siblings} agent(s)); no agent was started.` },
    };
  }
  return { ok: true, budgetUsd: requested === undefined ? slice : Math.min(slice, requested) };
}

/** The limit a run obeys: the lower of its definition's max_cost_usd and a supervisor's slice. */
export function effectiveCostLimit(maxCostUsd: number | null, budgetUsd: number | undefined): number | null {
  if (budgetUsd === undefined) return maxCostUsd;
  return maxCostUsd === null ? budgetUsd : Math.min(maxCostUsd, budgetUsd);
}
