import type { Capability } from './model-spec.ts';

export interface RoutingMessage {
  role: string;
  content: string;
}

/** What the router knows about a request before any model sees it. */
export interface RoutingRequest {
  messages: RoutingMessage[];
  maxTokens?: number;
  /** Capabilities the request needs (tools, vision, jsonMode, streaming). */
  requires?: Capability[];
}

export interface ComplexityEstimate {
  /** 0 (trivial) … 1 (hardest). */
  score: number;
  /** The lowest model tier that should handle the task. */
  tier: 1 | 2 | 3 | 4;
  inputTokens: number;
  /** Expected answer length, for cost estimates. */
  outputTokens: number;
  requires: Capability[];
  /** Each signal that moved the score, e.g. `code: 0.25`. */
  signals: Record<string, number>;
}

/** Pluggable: a learned classifier can replace the heuristic behind the same contract. */
export interface ComplexityEstimator {
  readonly name: string;
  estimate(request: RoutingRequest): ComplexityEstimate;
}

const CODE = /```|\b(function|def|class|return|import|const|SELECT|public static|#include)\b|[{};]\s*$/m;
const MATH = /\$[^$]+\$|\\(frac|sum|int)|\b(integral|derivative|prove|theorem|lemma|equation|probability|matrix|eigen)\w*/i;
const REASONING = /\b(step[- ]by[- ]step|reason|analy[sz]e|compare|trade-?offs?|why|justify|plan|design|architect|debug|optimi[sz]e|evaluate|critique|strategy|derive)\b/i;
const CODE_REQUEST = /\b(function|query|regex|regular expression|script|implement(ation)?|unit tests?|one-liner|sql|endpoint|algorithm)\b/i;
const PROOF = /\b(prove|proof|derive|theorem|formally|induction|complexity analysis)\b/i;
const GENERATIVE = /\b(write|draft|explain|summari[sz]e|turn .* into|describe|outline)\b/i;
const SIMPLE = /\b(classify|label|extract|translate|yes or no|true or false|sentiment|spell|capital of|summari[sz]e in one)\b/i;

/** Roughly 4 characters per token for English and code; good enough to rank, not to bill. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));

export function tierForScore(score: number): 1 | 2 | 3 | 4 {
  if (score < 0.2) return 1;
  if (score < 0.42) return 2;
  if (score < 0.78) return 3;
  return 4;
}

/**
 * The default estimator: cheap text signals only, so a decision costs microseconds. Weights
 * were set by hand against the routing benchmark's task mix (load/data/routing-tasks.jsonl).
 */
export const heuristicEstimator: ComplexityEstimator = {
  name: 'heuristic-v1',
  estimate(request) {
    const last = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const all = request.messages.map((m) => m.content).join('\n');
    const inputTokens = estimateTokens(all) + 4 * request.messages.length;
    const signals: Record<string, number> = {};
    const add = (name: string, value: number) => {
      if (value !== 0) signals[name] = Math.round(value * 1000) / 1000;
    };
    add('length', 0.25 * clamp(Math.log10(Math.max(1, estimateTokens(last))) / 4));
    if (CODE.test(last)) add('code', 0.25);
    else if (CODE_REQUEST.test(last)) add('code_request', 0.2);
    if (PROOF.test(last)) add('proof', 0.15);
    if (GENERATIVE.test(last)) add('generative', 0.12);
    if (MATH.test(last)) add('math', 0.25);
    const reasoningHits = (last.match(new RegExp(REASONING.source, 'gi')) ?? []).length;
    if (reasoningHits) add('reasoning', Math.min(0.35, 0.15 * reasoningHits));
    if (SIMPLE.test(last)) add('simple_task', -0.15);
    const turns = request.messages.filter((m) => m.role !== 'system').length;
    if (turns > 4) add('conversation_depth', Math.min(0.15, 0.02 * turns));
    if (inputTokens > 32_000) add('long_context', 0.15);
    const requires = [...new Set(request.requires ?? [])];
    if (requires.includes('tools')) add('tools', 0.1);
    const score = clamp(Object.values(signals).reduce((a, b) => a + b, 0));
    const outputTokens = request.maxTokens ?? Math.round(150 + 900 * score);
    return { score, tier: tierForScore(score), inputTokens, outputTokens, requires, signals };
  },
};
