import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { RunFeedback, RunFeedbackStore } from '../../stores/run-feedback.ts';
import type { OutcomeStore } from '../../stores/outcomes.ts';
import type { CompletionStore } from '../../stores/completions.ts';
import { principalOf } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';
import { findOwnedRun } from './runs.ts';
import type { RunFeedbackJson } from '../schemas/router.ts';

/**
 * Feedback on a run: a rating on either scale, a corrected output, labels, a comment (at least
 * one). General on purpose: the router reads the rating as a measured outcome, fine-tuning
 * datasets read corrections and labels.
 */
export const RunFeedbackBodySchema = z
  .object({
    rating: z.number().optional().describe('-1..1 with rating_scale "signed" (the default), 1..5 with "five_point"; stored normalised to -1..1.'),
    rating_scale: z.enum(['signed', 'five_point']).optional(),
    corrected_output: z.string().min(1).max(200_000).optional().describe('What the answer should have been.'),
    labels: z.array(z.string().regex(/^[\w:.-]{1,64}$/)).max(32).optional(),
    comment: z.string().max(10_000).optional(),
  })
  .strict()
  .refine((b) => b.rating !== undefined || b.corrected_output !== undefined || (b.labels?.length ?? 0) > 0 || b.comment !== undefined, {
    message: 'Send at least one of rating, corrected_output, labels and comment.',
    path: ['rating'],
  })
  .refine((b) => b.rating === undefined || ((b.rating_scale ?? 'signed') === 'signed' ? b.rating >= -1 && b.rating <= 1 : Number.isInteger(b.rating) && b.rating >= 1 && b.rating <= 5), {
    message: 'rating is -1..1 on the signed scale, or an integer 1..5 with rating_scale "five_point".',
    path: ['rating'],
  })
  .refine((b) => b.rating_scale === undefined || b.rating !== undefined, { message: 'rating_scale needs a rating.', path: ['rating_scale'] });

/** 1..5 maps linearly onto -1..1 (3 is neutral). */
export const normaliseRating = (rating: number, scale: 'signed' | 'five_point') => (scale === 'five_point' ? (rating - 3) / 2 : rating);

export function feedbackJson(f: RunFeedback): RunFeedbackJson {
  return {
    object: 'run_feedback',
    id: f.id,
    run_id: f.runId,
    rating: f.rating,
    rating_raw: f.ratingRaw,
    rating_scale: f.ratingScale,
    corrected_output: f.correctedOutput,
    labels: f.labels,
    comment: f.comment,
    author_key_id: f.apiKeyId,
    created_at: f.createdAt.toISOString(),
  };
}

export interface FeedbackRouteDeps {
  client: Client;
  feedback: RunFeedbackStore;
  outcomes: OutcomeStore;
  completions: CompletionStore;
}

export function feedbackRouter(deps: FeedbackRouteDeps): Router {
  const router = Router();

  router.post('/v1/runs/:runId/feedback', async (req, res) => {
    const body = parseInput(RunFeedbackBodySchema, req.body);
    // Another tenant's run and a missing one are the same 404.
    const { description } = await findOwnedRun(deps.client, req);
    const { tenantId, keyId } = principalOf(req);
    const scale = body.rating === undefined ? null : (body.rating_scale ?? 'signed');
    const rating = body.rating === undefined || scale === null ? null : normaliseRating(body.rating, scale);
    const feedback = await deps.feedback.add({
      tenantId,
      runId: description.workflowId,
      apiKeyId: keyId,
      rating,
      ratingRaw: body.rating ?? null,
      ratingScale: scale,
      correctedOutput: body.corrected_output ?? null,
      labels: body.labels ?? [],
      comment: body.comment ?? null,
    });
    // A rated completion is a measured outcome of the model that answered it. Its prompt is not
    // kept with the run, so it counts toward the tenant's outcome statistics and evaluation,
    // not toward training a prompt-level router (which needs the text).
    if (rating !== null) {
      const completion = await deps.completions.get(tenantId, description.workflowId);
      if (completion?.status === 'completed') {
        await deps.outcomes.record(tenantId, {
          promptId: `run:${completion.runId}`,
          model: completion.model,
          prompt: null,
          family: 'feedback',
          category: 'feedback',
          score: (rating + 1) / 2,
          costUsd: null,
          inputTokens: completion.inputTokens,
          outputTokens: completion.outputTokens,
          outputChars: completion.outputText?.length ?? null,
          latencyMs: completion.latencyMs,
          source: 'feedback',
          runId: completion.runId,
        });
      }
    }
    res.status(201).json(feedbackJson(feedback));
  });

  router.get('/v1/runs/:runId/feedback', async (req, res) => {
    const { description } = await findOwnedRun(deps.client, req);
    const list = await deps.feedback.list(principalOf(req).tenantId, description.workflowId);
    res.json({ object: 'list', data: list.map(feedbackJson) });
  });

  return router;
}
