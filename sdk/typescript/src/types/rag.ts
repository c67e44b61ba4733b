import type * as Wire from '../generated/api-types.js';
import type { ModelChoice, RoutingOptions } from './completions.js';
import type { MemorySource, SearchMode } from './memory.js';

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
export type RagPassage = Wire.RagAnswer['context'][number];

/** A passage the answer cites, with its text. */
export type RagCitation = Wire.RagAnswer['citations'][number];

export type RagAnswer = Wire.RagAnswer;
