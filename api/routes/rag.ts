import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { RoutingOptionsSchema, POLICY_NAME } from '../../core/policies/model-policy.ts';
import { MODEL } from '../../platform/temporal/search-attributes.ts';
import type { ContextPassage } from '../../core/memory/context-passages.ts';
import type { RagInput, RagResult } from '../../workflows/rag.ts';
import { modelChoiceProblems, planCompletion, type PlanDeps } from '../../core/completions/completion-plan.ts';
import { idempotencyKeyReused, requestHash, runIdempotencyKeyOf } from '../middleware/idempotency.ts';
import { principalOf } from '../middleware/auth.ts';
import { acceptedRun, runIdFor, startRun } from '../start-run.ts';
import { rag } from '../../workflows/rag.ts';
import { toApiError } from '../temporal-errors.ts';
import { parseInput } from '../validation.ts';
import type { RagAnswerJson } from '../schemas/rag.ts';
import { completionResponse } from './completions.ts';
import { CONVERSATION_ID } from './conversations.ts';
import { CollectionSchema } from './memory.ts';

export const RagRequestSchema = z
  .object({
    question: z.string().trim().min(1).max(8000),
    collections: z.array(CollectionSchema).max(50).optional(),
    sources: z.array(z.enum(['documents', 'conversations'])).min(1).max(2).default(['documents']),
    conversation: z.string().regex(CONVERSATION_ID).optional(),
    k: z.number().int().min(1).max(50).default(6),
    mode: z.enum(['hybrid', 'dense', 'keyword']).default('hybrid'),
    budget_tokens: z.number().int().min(100).max(64_000).default(2000).describe('Most tokens the retrieved context may take in the prompt.'),
    model: z.string().min(1).max(200).optional(),
    models: z.array(z.string().min(1).max(200)).min(1).max(5).optional(),
    policy: z.string().regex(POLICY_NAME).optional(),
    routing: RoutingOptionsSchema.optional(),
    max_tokens: z.number().int().min(1).max(1_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    background: z.boolean().optional(),
  })
  .strict();

const passageJson = (p: ContextPassage) => ({ label: p.label, id: p.id, score: p.score, source: p.source });

export function ragResponse(runId: string, result: RagResult): RagAnswerJson {
  return {
    id: runId,
    object: 'rag',
    answer: result.answer,
    citations: result.citations.map((p) => ({ ...passageJson(p), text: p.text })),
    invalid_citations: result.invalidCitations,
    context: result.context.map(passageJson),
    completion: result.completion ? completionResponse(result.completion.runId, result.completion) : null,
  };
}

export function ragRouter(deps: PlanDeps & { client: Client }): Router {
  const router = Router();
  router.post('/v1/rag', async (req, res) => {
    const principal = principalOf(req);
    const body = parseInput(RagRequestSchema, req.body, undefined, modelChoiceProblems(req.body));
    const planned = await planCompletion(deps, principal, body, [{ role: 'user', content: body.question }]);
    const { messages: _question, ...answer } = planned;
    const input: RagInput = {
      tenantId: principal.tenantId,
      question: body.question,
      retrieve: {
        k: body.k,
        budgetTokens: body.budget_tokens,
        mode: body.mode,
        documents: body.sources.includes('documents'),
        conversations: body.sources.includes('conversations'),
        ...(body.collections && { collections: body.collections }),
        ...(body.conversation && { conversationId: body.conversation }),
      },
      answer,
    };
    // Bound to the API key: another key of the tenant with the same Idempotency-Key gets its own run.
    const key = runIdempotencyKeyOf(req);
    const runId = runIdFor('rag', principal.tenantId, key);
    const handle = await startRun({
      client: deps.client,
      taskQueue: deps.env.TEMPORAL_TASK_QUEUE,
      workflow: rag,
      kind: 'rag',
      tenantId: principal.tenantId,
      workflowId: runId,
      args: [input],
      searchAttributes: [{ key: MODEL, value: answer.requestedModel }],
      ...(key !== undefined && { idempotent: { requestHash: requestHash(req), onMismatch: idempotencyKeyReused } }),
    });
    if (body.background) {
      acceptedRun(res, runId, 'rag');
      return;
    }
    try {
      res.json(ragResponse(runId, (await handle.result()) as RagResult));
    } catch (err) {
      throw toApiError(err);
    }
  });
  return router;
}
