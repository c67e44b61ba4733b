import { defineQuery, executeChild, proxyActivities, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { MemoryActivities } from '../activities/memory/create-memory-activities.ts';
import type { CompletionInput, CompletionResult } from '../core/completions/completion-types.ts';
import { checkCitations, RAG_SYSTEM_PROMPT, renderSources, type ContextPassage } from '../core/memory/context-passages.ts';
import type { RetrieveInput } from '../core/memory/memory-types.ts';
import { KIND, MODEL, TENANT } from '../platform/temporal/search-attributes.ts';
import { boundedRetry } from '../platform/temporal/bounded-retry.ts';
import { completion } from './completion.ts';

export interface RagInput {
  tenantId: string;
  question: string;
  retrieve: Omit<RetrieveInput, 'tenantId' | 'query'>;
  /** The answer's completion, planned by the API (model, chain, budgets); messages are built here. */
  answer: Omit<CompletionInput, 'messages'>;
}

export interface RagResult {
  answer: string;
  /** The passages the answer cites, in first-cited order. */
  citations: ContextPassage[];
  /** Labels the answer cites that were not in its context (an unsupported claim of support). */
  invalidCitations: string[];
  /** Everything that was put in front of the model. */
  context: ContextPassage[];
  /** The answer's completion run (model, usage, cost, attempt history); absent when nothing was retrieved. */
  completion?: CompletionResult & { runId: string };
}

export type RagStage = 'retrieving' | 'answering' | 'checking' | 'done';
export const ragStatusQuery = defineQuery<{ stage: RagStage; passages: number }>('status');

const retrieval: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: boundedRetry({ initialInterval: '500 milliseconds', maximumInterval: '10 seconds', maximumAttempts: 5 }),
};
const { retrieveContext } = proxyActivities<MemoryActivities>(retrieval);

export const NOTHING_FOUND = 'I could not find anything about this in the available sources.';

/**
 * Retrieval-augmented generation: retrieve → assemble the context within the token budget
 * (deduplicated, numbered) → answer through the completion workflow (a child run, so routing,
 * fallbacks, budgets and metrics are the same as for any completion) with a prompt that demands
 * citations → check that every citation points at a passage that was in the context.
 */
export async function rag(input: RagInput): Promise<RagResult> {
  const status = { stage: 'retrieving' as RagStage, passages: 0 };
  setHandler(ragStatusQuery, () => status);
  const context = await retrieveContext({ tenantId: input.tenantId, query: input.question, ...input.retrieve });
  status.passages = context.length;
  if (context.length === 0) {
    // No model call: an answer without sources would be a guess.
    status.stage = 'done';
    return { answer: NOTHING_FOUND, citations: [], invalidCitations: [], context };
  }
  status.stage = 'answering';
  const childId = `${workflowInfo().workflowId}-answer`;
  const result = await executeChild(completion, {
    workflowId: childId,
    args: [
      {
        ...input.answer,
        messages: [
          { role: 'system', content: RAG_SYSTEM_PROMPT },
          { role: 'user', content: `Sources:\n\n${renderSources(context)}\n\nQuestion: ${input.question}` },
        ],
      },
    ],
    typedSearchAttributes: [
      { key: TENANT, value: input.tenantId },
      { key: KIND, value: 'completion' },
      { key: MODEL, value: input.answer.requestedModel },
    ],
  });
  status.stage = 'checking';
  const check = checkCitations(result.text, context);
  const byLabel = new Map(context.map((p) => [p.label, p]));
  status.stage = 'done';
  return {
    answer: result.text,
    citations: check.cited.map((label) => byLabel.get(label)!),
    invalidCitations: check.invalid,
    context,
    completion: { ...result, runId: childId },
  };
}
