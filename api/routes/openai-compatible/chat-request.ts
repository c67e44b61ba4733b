import { z } from 'zod';
import { POLICY_NAME } from '../../../core/policies/model-policy.ts';
import type { ChatMessage } from '../../../core/providers/provider.ts';
import type { ValidationProblem } from '../../validation.ts';
import { ApiError } from '../../api-error.ts';
import { TOOL_NAME } from '../../schemas/tool-calling.ts';
import type { CompletionAsk } from '../completions.ts';

/** A content part: only text until vision lands (an image part is refused by the schema). */
const TextPartSchema = z.object({ type: z.literal('text'), text: z.string().max(1_000_000) }).strict();
const ContentSchema = z.union([z.string().max(1_000_000), z.array(TextPartSchema).min(1).max(100)]);

const FunctionNameSchema = z.string().regex(TOOL_NAME, 'a function name is 1-64 letters, digits, _ or -');

/** An assistant's call as OpenAI sends it back in the conversation. */
const ToolCallSchema = z
  .object({ id: z.string().min(1).max(200), type: z.literal('function'), function: z.object({ name: FunctionNameSchema, arguments: z.string().max(1_000_000) }).strict() })
  .strict();

/** `name` is accepted (OpenAI clients send it for multi-party chats) and not used. */
const MessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer', 'user']), content: ContentSchema, name: z.string().max(200).optional() }).strict(),
  z
    .object({
      role: z.literal('assistant'),
      content: ContentSchema.nullable().optional(),
      name: z.string().max(200).optional(),
      refusal: z.string().nullable().optional(),
      tool_calls: z.array(ToolCallSchema).max(128).optional(),
    })
    .strict(),
  z.object({ role: z.literal('tool'), content: ContentSchema, tool_call_id: z.string().min(1).max(200) }).strict(),
]);

const FunctionToolSchema = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: FunctionNameSchema,
        description: z.string().max(10_000).optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        /** Accepted; the schema is passed on as it is. */
        strict: z.boolean().nullable().optional(),
      })
      .strict(),
  })
  .strict();

/**
 * `POST /v1/chat/completions` as OpenAI defines it, function tools and JSON response formats
 * included, with what SomaAgent does not do said plainly: `n` above 1 is refused with its own
 * code (unsupportedFeature) rather than silently ignored. Fields OpenAI clients send by default and
 * that change nothing here (`user`, `seed`, penalties) are accepted and ignored.
 */
export const ChatCompletionRequestSchema = z
  .object({
    /** A model id, `auto` (cost-aware routing), or `policy/<name>` (a named model policy of the tenant). */
    model: z.string().min(1).max(200),
    messages: z.array(MessageSchema).min(1).max(1000),
    max_tokens: z.number().int().min(1).max(1_000_000).nullable().optional(),
    /** OpenAI's newer name for max_tokens; wins when both are sent. */
    max_completion_tokens: z.number().int().min(1).max(1_000_000).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().gt(0).max(1).nullable().optional(),
    stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullable().optional(),
    n: z.number().int().min(1).max(128).nullable().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).strict().nullable().optional(),
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }).strict(),
        z.object({ type: z.literal('json_object') }).strict(),
        z
          .object({
            type: z.literal('json_schema'),
            json_schema: z
              .object({ name: FunctionNameSchema, description: z.string().max(10_000).optional(), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullable().optional() })
              .strict(),
          })
          .strict(),
      ])
      .optional(),
    tools: z.array(FunctionToolSchema).max(128).optional(),
    tool_choice: z
      .union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: FunctionNameSchema }).strict() }).strict()])
      .optional(),
    parallel_tool_calls: z.boolean().optional(),
    user: z.string().max(256).optional(),
    seed: z.number().int().nullable().optional(),
    frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
    presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  })
  .strict();

export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

/** Model names of the form `policy/<name>` pick a named policy: OpenAI clients only send `model`. */
export const POLICY_PREFIX = 'policy/';

/** A `policy/<name>` model that cannot name a policy, reported with the schema's own problems (chat and messages). */
export function policyNameProblems(body: unknown): ValidationProblem[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const model = (body as Record<string, unknown>).model;
  if (typeof model === 'string' && model.startsWith(POLICY_PREFIX) && !POLICY_NAME.test(model.slice(POLICY_PREFIX.length))) {
    return [{ path: 'model', code: 'invalid_policy_name', message: `"${model}" does not name a policy (policy/<name>).` }];
  }
  return [];
}

/**
 * What a valid request asks that SomaAgent does not do, refused with its own code (a client can
 * tell "not supported" from "malformed"): more than one choice.
 */
export function unsupportedFeature(body: ChatCompletionRequest): ApiError | undefined {
  const refuse = (param: string, code: string, message: string) => new ApiError(400, 'invalid_request_error', code, message, [{ path: param, code, message }]);
  if (body.n !== undefined && body.n !== null && body.n !== 1) return refuse('n', 'n_not_supported', 'Only n=1 is supported: send one request per answer.');
  if (body.stream_options && !body.stream) return refuse('stream_options', 'invalid_value', '"stream_options" is only allowed with "stream": true.');
  return undefined;
}

/** Text parts joined; an assistant turn without text (a tool call) has none. */
function textOf(content: string | { text: string }[] | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** OpenAI's `developer` role is its newer name for `system`; calls and results keep their ids. */
export function chatMessages(messages: ChatCompletionRequest['messages']): ChatMessage[] {
  return messages.map((m): ChatMessage => {
    if (m.role === 'tool') return { role: 'tool', content: textOf(m.content), toolCallId: m.tool_call_id };
    if (m.role === 'assistant' && m.tool_calls && m.tool_calls.length > 0) {
      return { role: 'assistant', content: textOf(m.content), toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) };
    }
    return { role: m.role === 'developer' ? 'system' : m.role, content: textOf(m.content) };
  });
}

/** OpenAI's tool fields in our request's terms (checked with the rest by prepareCompletion). */
export function chatToolAsk(body: ChatCompletionRequest): Pick<CompletionAsk, 'tools' | 'tool_choice' | 'parallel_tool_calls' | 'response_format'> {
  const format = body.response_format;
  const choice = body.tool_choice;
  return {
    ...(body.tools && body.tools.length > 0 && {
      tools: body.tools.map((t) => ({
        name: t.function.name,
        ...(t.function.description !== undefined && { description: t.function.description }),
        ...(t.function.parameters !== undefined && { parameters: t.function.parameters }),
      })),
    }),
    ...(choice !== undefined && { tool_choice: typeof choice === 'string' ? choice : { name: choice.function.name } }),
    ...(body.parallel_tool_calls !== undefined && { parallel_tool_calls: body.parallel_tool_calls }),
    ...(format !== undefined && {
      response_format:
        format.type === 'json_schema'
          ? {
              type: 'json_schema' as const,
              json_schema: {
                name: format.json_schema.name,
                // OpenAI allows a json_schema without a schema: any object then.
                schema: format.json_schema.schema ?? { type: 'object' },
                ...(format.json_schema.strict !== undefined && format.json_schema.strict !== null && { strict: format.json_schema.strict }),
              },
            }
          : { type: format.type },
    }),
  };
}
