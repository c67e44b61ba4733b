import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError } from '../errors/domain-error.ts';
import { LocalChatRequestSchema, type LocalChatRequest } from './chat-request.ts';
import type { InstalledModels } from './installed-models.ts';
import type { LocalModelRuntime } from './model-runtime.ts';
import { QueueRejection } from './request-queue.ts';

/** Larger bodies are refused: a 2048-token context cannot use more text than this anyway. */
const MAX_BODY_BYTES = 1_048_576;

interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  const body: OpenAIErrorBody = { error: { message: problem.message, type: problem.type, param: null, code: problem.code } };
  sendJson(res, problem.status, body, problem.headers);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'invalid_request_error', 'body_too_large', `The body is over ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'invalid_request_error', 'invalid_json', 'The body is not valid JSON.');
  }
}

/** Accepts `local/<name>` (how the platform names it) and `<name>` (how a direct client may). */
function modelName(model: string): string {
  return model.startsWith('local/') ? model.slice('local/'.length) : model;
}

export interface OpenAIWireServerDeps {
  installed: InstalledModels;
  runtime: LocalModelRuntime;
}

/**
 * The local-model server's HTTP handler, in OpenAI's wire format so the platform's `local`
 * provider (the `openai` SDK) and any OpenAI client can call it: POST /v1/chat/completions (JSON
 * and SSE, with real token usage), GET /v1/models, GET /health. A full queue is a 429 with
 * Retry-After in OpenAI's error shape, which the provider layer already retries.
 */
export function createOpenAIWireHandler(deps: OpenAIWireServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = LocalChatRequestSchema.safeParse(await readJson(req));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpProblem(400, 'invalid_request_error', 'invalid_request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    const body: LocalChatRequest = parsed.data;
    const installed = await deps.installed.get(modelName(body.model));
    if (!installed) throw new HttpProblem(404, 'invalid_request_error', 'model_not_found', `The model "${body.model}" is not installed on this local model server.`);

    // A client that goes away stops its generation (and its wait) rather than holding a slot.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client disconnected'));
    });
    let generate;
    try {
      generate = await deps.runtime.reserve(installed, abort.signal);
    } catch (error) {
      if (error instanceof QueueRejection) {
        const seconds = Math.ceil(error.retryAfterMs / 1000);
        throw new HttpProblem(429, 'rate_limit_error', error.reason, `${error.message} Retry after ${seconds} s.`, { 'retry-after': String(seconds), 'retry-after-ms': String(error.retryAfterMs) });
      }
      throw error;
    }

    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model;
    const request = {
      messages: body.messages.map((m) => ({ role: m.role === 'developer' ? ('system' as const) : m.role, content: m.content })),
      maxTokens: body.max_completion_tokens ?? body.max_tokens,
      temperature: body.temperature,
      topP: body.top_p,
      stop: typeof body.stop === 'string' ? [body.stop] : body.stop,
      frequencyPenalty: body.frequency_penalty,
      presencePenalty: body.presence_penalty,
      seed: body.seed,
      signal: abort.signal,
    };

    if (!body.stream) {
      const result = await generate(request);
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: result.finishReason, logprobs: null }],
        usage: { prompt_tokens: result.usage.promptTokens, completion_tokens: result.usage.completionTokens, total_tokens: result.usage.promptTokens + result.usage.completionTokens },
      });
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (delta: object, finishReason: string | null, usage?: object) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: usage ? [] : [{ index: 0, delta, finish_reason: finishReason, logprobs: null }], ...(usage && { usage }) })}\n\n`);
    chunk({ role: 'assistant', content: '' }, null);
    try {
      const result = await generate({ ...request, onText: (text) => chunk({ content: text }, null) });
      chunk({}, result.finishReason);
      if (body.stream_options?.include_usage) {
        chunk({}, null, { prompt_tokens: result.usage.promptTokens, completion_tokens: result.usage.completionTokens, total_tokens: result.usage.promptTokens + result.usage.completionTokens });
      }
      res.write('data: [DONE]\n\n');
    } catch (error) {
      // Headers are gone: the error travels as an event, as OpenAI does mid-stream.
      if (!abort.signal.aborted) res.write(`data: ${JSON.stringify({ error: { message: error instanceof Error ? error.message : String(error), type: 'server_error', param: null, code: 'generation_failed' } })}\n\n`);
    }
    res.end();
  }

  async function models(res: ServerResponse): Promise<void> {
    const list = await deps.installed.list();
    sendJson(res, 200, {
      object: 'list',
      data: list.map((m) => ({ id: `local/${m.name}`, object: 'model', created: 0, owned_by: 'local', kind: m.kind, source: m.source, size_bytes: m.size_bytes, sha256: m.sha256 })),
    });
  }

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${path}`;
    const handled =
      route === 'POST /v1/chat/completions'
        ? chat(req, res)
        : route === 'GET /v1/models'
          ? models(res)
          : route === 'GET /health'
            ? Promise.resolve(sendJson(res, 200, { status: 'ok', loaded: deps.runtime.loaded() }))
            : Promise.reject(new HttpProblem(404, 'invalid_request_error', 'not_found', `No route ${route}.`));
    handled.catch((error: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (error instanceof HttpProblem) sendProblem(res, error);
      else if (error instanceof InvalidRequestError) sendProblem(res, new HttpProblem(400, 'invalid_request_error', error.code, error.message));
      else sendProblem(res, new HttpProblem(500, 'server_error', 'internal_error', error instanceof Error ? error.message : String(error)));
    });
  };
}
