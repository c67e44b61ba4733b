import { z } from 'zod';
import { ChatCompletionRequestSchema } from './routes/openai-compatible/chat-request.ts';
import { EmbeddingRequestSchema } from './routes/openai-compatible/embeddings.ts';
import { MessagesRequestSchema } from './routes/anthropic-compatible/messages-request.ts';

/**
 * OpenAPI paths and schemas of the OpenAI-compatible routes, merged into openapi.ts. They are
 * for OpenAI's own SDKs, not ours (`'x-sdk': false`), and every error on them has OpenAI's
 * shape (OpenAIError), declared for every status so the standard responses (our Error) never
 * fill a gap on these paths.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const openAiError = (description: string) => ({ description, content: json(ref('OpenAIError')) });

/** What the middleware in front of every POST can answer (auth, body, read-only keys, idempotency). */
const postErrors = {
  '400': openAiError('invalid_request_error: validation_failed (param names the field), invalid_json, ...'),
  '401': openAiError('invalid_api_key: no key, or one that is unknown or revoked'),
  '403': openAiError('insufficient_role: a read-only key'),
  '404': openAiError('model_not_found: no such model (or policy) for this tenant'),
  '409': openAiError('idempotency_key_in_use: a request with this Idempotency-Key is still running'),
  '413': openAiError('payload_too_large'),
  '415': openAiError('unsupported_media_type: send the body as application/json'),
  '422': openAiError('idempotency_key_reused: the Idempotency-Key was used for a different request'),
};

const runIdHeader = { 'x-soma-run-id': { description: 'The durable run behind the answer (GET /v1/runs/{id}).', schema: { type: 'string' } } };

export const openAiCompatibleSchemas = {
  OpenAIError: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['message', 'type', 'param', 'code'],
        properties: { message: { type: 'string' }, type: { type: 'string' }, param: { type: ['string', 'null'] }, code: { type: ['string', 'null'] } },
      },
    },
  },
  ChatCompletionRequest: z.toJSONSchema(ChatCompletionRequestSchema, { io: 'input' }),
  ChatCompletion: {
    type: 'object',
    required: ['id', 'object', 'created', 'model', 'choices', 'usage'],
    properties: {
      id: { type: 'string', description: 'chatcmpl- and the run id' },
      object: { const: 'chat.completion' },
      created: { type: 'integer' },
      model: { type: 'string', description: 'The registry id of the model that answered' },
      system_fingerprint: { type: 'null' },
      choices: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            index: { type: 'integer' },
            message: {
              type: 'object',
              properties: {
                role: { const: 'assistant' },
                content: { type: ['string', 'null'], description: 'null when the answer only calls tools' },
                refusal: { type: 'null' },
                tool_calls: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['id', 'type', 'function'],
                    properties: { id: { type: 'string' }, type: { const: 'function' }, function: { type: 'object', required: ['name', 'arguments'], properties: { name: { type: 'string' }, arguments: { type: 'string' } } } },
                  },
                },
              },
            },
            logprobs: { type: 'null' },
            finish_reason: { enum: ['stop', 'length', 'content_filter', 'tool_calls'] },
          },
        },
      },
      usage: { type: 'object', properties: { prompt_tokens: { type: 'integer' }, completion_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } } },
    },
  },
  EmbeddingRequest: z.toJSONSchema(EmbeddingRequestSchema, { io: 'input' }),
  EmbeddingList: {
    type: 'object',
    required: ['object', 'data', 'model', 'usage'],
    properties: {
      object: { const: 'list' },
      data: {
        type: 'array',
        items: {
          type: 'object',
          properties: { object: { const: 'embedding' }, index: { type: 'integer' }, embedding: { oneOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string', description: 'base64 of little-endian float32' }] } },
        },
      },
      model: { type: 'string' },
      usage: { type: 'object', properties: { prompt_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } } },
    },
  },
};

export const openAiCompatiblePaths = {
  '/v1/chat/completions': {
    post: {
      operationId: 'createChatCompletion',
      summary: "OpenAI-compatible chat completion: the same durable run as /v1/completions, in OpenAI's shape (model: an id, auto, or policy/<name>)",
      'x-sdk': false,
      requestBody: { required: true, content: json(ref('ChatCompletionRequest')) },
      responses: {
        '200': {
          description: 'The answer; with stream: true, chat.completion.chunk data events, then data: [DONE]',
          headers: runIdHeader,
          content: { ...json(ref('ChatCompletion')), 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...postErrors,
        '400': openAiError('invalid_request_error: validation_failed, model_lacks_capability, invalid_tool_schema, unknown_tool, unknown_tool_call_id, invalid_tool_arguments, n_not_supported, policy_not_found, model_required, ...'),
        '402': openAiError('insufficient_quota: a budget refused the call'),
        '429': openAiError('rate_limit_exceeded: the provider rate-limited every attempt (Retry-After when it said when)'),
        '500': openAiError('api_error: the run failed unexpectedly'),
        '502': openAiError('server_error: the provider failed'),
        '503': openAiError('server_error: the provider is overloaded or not configured'),
        '504': openAiError('server_error: the provider timed out'),
      },
    },
  },
  '/v1/embeddings': {
    post: {
      operationId: 'createEmbeddings',
      summary: "OpenAI-compatible embeddings with the platform's embedding model (EMBEDDING_MODEL)",
      'x-sdk': false,
      requestBody: { required: true, content: json(ref('EmbeddingRequest')) },
      responses: {
        '200': { description: 'One vector per input, in order', content: json(ref('EmbeddingList')) },
        ...postErrors,
        '404': openAiError('model_not_found: not the platform embedding model'),
        '500': openAiError('api_error: the embedding model failed'),
        '503': openAiError('api_error: the embedding model is unavailable'),
      },
    },
  },
};

const ERROR_STATUSES = ['400', '401', '402', '403', '404', '409', '413', '415', '422', '429', '500', '502', '503', '504'];

/** Anthropic's error body, inline: no component, so no SDK type is generated for another vendor's wire. */
const anthropicError = (description: string) => ({
  description,
  content: json({
    type: 'object',
    required: ['type', 'error'],
    properties: { type: { const: 'error' }, error: { type: 'object', required: ['type', 'message'], properties: { type: { type: 'string' }, message: { type: 'string' } } } },
  }),
});

/** `POST /v1/messages` (api/routes/anthropic-compatible/): for Anthropic's SDKs, not ours. */
export const anthropicCompatiblePaths = {
  '/v1/messages': {
    post: {
      operationId: 'createMessage',
      summary: "Anthropic-compatible messages: the same durable run as /v1/completions, in Anthropic's shape (text and tool use; model: an id, auto, or policy/<name>)",
      'x-sdk': false,
      requestBody: { required: true, content: json(z.toJSONSchema(MessagesRequestSchema, { io: 'input' })) },
      responses: {
        '200': {
          description: 'The message; with stream: true, message_start, content_block_*, message_delta and message_stop events',
          headers: runIdHeader,
          content: {
            ...json({
              type: 'object',
              required: ['id', 'type', 'role', 'content', 'model', 'stop_reason', 'usage'],
              properties: {
                id: { type: 'string', description: 'msg_ and the run id' },
                type: { const: 'message' },
                role: { const: 'assistant' },
                model: { type: 'string' },
                content: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { type: { enum: ['text', 'tool_use'] }, text: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, input: { type: 'object' } },
                  },
                },
                stop_reason: { enum: ['end_turn', 'max_tokens', 'tool_use', 'refusal'] },
                stop_sequence: { type: 'null' },
                usage: { type: 'object', properties: { input_tokens: { type: 'integer' }, output_tokens: { type: 'integer' } } },
              },
            }),
            'text/event-stream': { schema: { type: 'string' } },
          },
        },
        // The statuses of /v1/chat/completions, for the same causes.
        ...Object.fromEntries(ERROR_STATUSES.map((status) => [status, anthropicError(`As on /v1/chat/completions, in Anthropic's body (error.type: invalid_request_error, authentication_error, not_found_error, rate_limit_error, overloaded_error, api_error, ...)`)])),
      },
    },
  },
};
