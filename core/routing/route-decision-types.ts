/** The `auto` policy's decision, as carried in workflow input and returned to the caller. */

export interface RouteCandidate {
  model: string;
  estimatedCostUsd: number;
}

export interface RouteDecision {
  policy: 'auto';
  estimator: string;
  score: number;
  tier: number;
  signals: Record<string, number>;
  chosen: RouteCandidate;
  /** Tried in order when the chosen model fails retryably. */
  fallbacks: RouteCandidate[];
  reasons: string[];
  /**
   * Set when a learned router decided (a policy's `learned_router`): its version, the probability
   * it gave that the cheaper model is good enough, and the threshold; with `shadow`, what a
   * candidate router would have chosen for the same request (shadow mode: logged, not used).
   */
  learned?: LearnedDecision;
}

export interface LearnedDecision {
  version: string;
  kind: string;
  pCheap: number;
  threshold: number;
  shadow?: { version: string; model: string; pCheap: number; threshold: number };
}
