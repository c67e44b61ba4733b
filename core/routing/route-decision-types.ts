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
}
