import type { Completion, ModelChoice, RoutingOptions } from './completions.js';
import type { MemorySource, SearchMode, SearchSource } from './memory.js';

/** The body of `POST /v1/rag`. Model choice as for completions: `model`, `models`, `policy`, or none (the default policy). */
export type RagAnswerParams = ModelChoice & {
  question: string;
  /** Document collections to retrieve from (default: all). */
  collections?: string[];
  /** Default `['documents']`. */
  sources?: MemorySource[];
  /** With `conversations`: only this conversation's messages. */
  conversation?: string;
  /** Passages to retrieve, 1..50 (default 6). */
  k?: number;
  /** Default `hybrid`. */
  mode?: SearchMode;
  /** Most tokens the retrieved context may take in the prompt, 100..64 000 (default 2000). */
  budget_tokens?: number;
  routing?: RoutingOptions;
  max_tokens?: number;
  temperature?: number;
  /** Answer 202 with the run at once instead of waiting for the answer. */
  background?: boolean;
};

export type RagAnswerParamsNonBackground = RagAnswerParams & { background?: false };
export type RagAnswerParamsBackground = RagAnswerParams & { background: true };

/** A passage of the context the answer was generated from. */
export interface RagPassage {
  /** `1`, `2`, ...: what the answer cites as [1], [2]. */
  label: string;
  /** The chunk or message id. */
  id: string;
  score: number;
  source: SearchSource;
}

/** A passage the answer cites, with its text. */
export interface RagCitation extends RagPassage {
  text: string;
}

export interface RagAnswer {
  /** The RAG run id. */
  id: string;
  object: 'rag';
  answer: string;
  /** The passages the answer cites, in first-cited order. */
  citations: RagCitation[];
  /** Labels the answer cites that were not in its context: support it claims but does not have. */
  invalid_citations: string[];
  /** Everything that was put in front of the model, best first. */
  context: RagPassage[];
  /** The answer's completion run (model, usage, cost, attempt history); null when nothing was retrieved and no model was called. */
  completion: Completion | null;
}
