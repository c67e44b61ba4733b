import { Router } from 'express';
import { parseInput } from '../../validation.ts';
import { completionResult, prepareCompletion, streamPrepared, type CompletionAsk, type CompletionRouteDeps } from '../completions.ts';
import { chatCompletionResponse } from './chat-completion-response.ts';
import { ChatCompletionRequestSchema, chatMessages, chatToolAsk, policyNameProblems, POLICY_PREFIX, unsupportedFeature, type ChatCompletionRequest } from './chat-request.ts';
import { chatStreamFormat } from './chat-stream-format.ts';

/** The response header naming the durable run behind an answer (GET /v1/runs/{id}). */
export const RUN_ID_HEADER = 'x-soma-run-id';

/** Only these fields say how the answer is delivered; a retry that changes them joins the same run. */
const DELIVERY_FIELDS: readonly string[] = ['stream', 'stream_options'];

/** OpenAI's request in our terms: `policy/<name>` names a policy, any other model (incl. `auto`) is a model choice. */
function completionAsk(body: ChatCompletionRequest): CompletionAsk {
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  return {
    ...(body.model.startsWith(POLICY_PREFIX) ? { policy: body.model.slice(POLICY_PREFIX.length) } : { model: body.model }),
    ...(maxTokens !== undefined && { max_tokens: maxTokens }),
    ...(body.temperature !== undefined && body.temperature !== null && { temperature: body.temperature }),
    ...(body.top_p !== undefined && body.top_p !== null && { top_p: body.top_p }),
    ...(body.stop !== undefined && body.stop !== null && { stop: body.stop }),
    ...(body.stream && { stream: true }),
    ...chatToolAsk(body),
  };
}

/**
 * `POST /v1/chat/completions`, OpenAI's shape over the same durable completion run as
 * `/v1/completions` (prepareCompletion: routing, fallbacks, budgets, metrics, idempotency).
 * Errors are answered in OpenAI's shape by the adapter mounted on this path (openai-errors.ts).
 */
export function chatCompletionsRouter(deps: CompletionRouteDeps): Router {
  const router = Router();
  router.post('/v1/chat/completions', async (req, res) => {
    const body = parseInput(ChatCompletionRequestSchema, req.body, undefined, policyNameProblems(req.body));
    const unsupported = unsupportedFeature(body);
    if (unsupported) throw unsupported;
    const ask = completionAsk(body);
    const prepared = await prepareCompletion(deps, req, ask, { messages: chatMessages(body.messages), deliveryFields: DELIVERY_FIELDS });
    const { runId, start } = prepared;
    const created = Math.floor(Date.now() / 1000);
    res.setHeader(RUN_ID_HEADER, runId);
    if (ask.stream) {
      await streamPrepared(deps, req, res, prepared, chatStreamFormat({ runId, created, includeUsage: body.stream_options?.include_usage === true }));
      return;
    }
    const handle = await start();
    res.status(200).json(chatCompletionResponse(runId, created, await completionResult(handle)));
  });
  return router;
}
