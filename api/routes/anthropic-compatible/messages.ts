import { Router } from 'express';
import { parseInput } from '../../validation.ts';
import { completionResult, prepareCompletion, streamPrepared, type CompletionAsk, type CompletionRouteDeps } from '../completions.ts';
import { RUN_ID_HEADER } from '../openai-compatible/chat-completions.ts';
import { POLICY_PREFIX, policyNameProblems } from '../openai-compatible/chat-request.ts';
import { messageResponse } from './message-response.ts';
import { MessagesRequestSchema, messagesOf, messagesToolAsk, type MessagesRequest } from './messages-request.ts';
import { messagesStreamFormat } from './messages-stream-format.ts';

const DELIVERY_FIELDS: readonly string[] = ['stream'];

function completionAsk(body: MessagesRequest): CompletionAsk {
  return {
    ...(body.model.startsWith(POLICY_PREFIX) ? { policy: body.model.slice(POLICY_PREFIX.length) } : { model: body.model }),
    max_tokens: body.max_tokens,
    ...(body.temperature !== undefined && { temperature: body.temperature }),
    ...(body.top_p !== undefined && { top_p: body.top_p }),
    ...(body.stop_sequences !== undefined && { stop: body.stop_sequences }),
    ...(body.stream && { stream: true }),
    ...messagesToolAsk(body),
  };
}

/**
 * `POST /v1/messages`, Anthropic's shape over the same durable completion run as
 * `/v1/completions`, for Claude SDK users. Text and tool use; errors in Anthropic's shape (anthropic-errors.ts).
 */
export function messagesRouter(deps: CompletionRouteDeps): Router {
  const router = Router();
  router.post('/v1/messages', async (req, res) => {
    const body = parseInput(MessagesRequestSchema, req.body, undefined, policyNameProblems(req.body));
    const ask = completionAsk(body);
    const prepared = await prepareCompletion(deps, req, ask, { messages: messagesOf(body), deliveryFields: DELIVERY_FIELDS });
    res.setHeader(RUN_ID_HEADER, prepared.runId);
    if (ask.stream) {
      await streamPrepared(deps, req, res, prepared, messagesStreamFormat({ runId: prepared.runId }));
      return;
    }
    res.status(200).json(messageResponse(prepared.runId, await completionResult(await prepared.start())));
  });
  return router;
}
