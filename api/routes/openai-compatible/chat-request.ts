import { z } from 'zod';
import { POLICY_NAME } from '../../../core/policies/model-policy.ts';
import type { ChatMessage } from '../../../core/providers/provider.ts';
import type { ValidationProblem } from '../../validation.ts';
import { ApiError } from '../../api-error.ts';

/** A content part: only text until vision lands (an image part is refused by the schema). */
const TextPartSchema = z.object({ type: z.literal('text'), text: z.string().max(1_000_000) }).strict();
const ContentSchema = z.union([z.string().max(1_000_000), z.array(TextPartSchema).min(1).max(100)]);

/** `name` is accepted (OpenAI clients send it for multi-party chats) and not used. */
const MessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer', 'user']), content: ContentSchema, name: z.string().max(200).optional() }).strict(),
  z.object({ role: z.literal('assistant'), content: ContentSchema.nullable().optional(), name: z.string().max(200).optional(), refusal: z.string().nullable().optional() }).strict(),
  // Tool results exist only where tools do: refused with tools_not_supported (below).
  z.object({ role: z.literal('tool'), content: ContentSchema, tool_call_id: z.string().max(200) }).strict(),
]);

/**
 * `POST /v1/chat/completions` as OpenAI defines it, with what SomaAgent does not do yet said
 * plainly: `n` above 1, tools and JSON response formats are refused with their own codes
 * (chatRequestProblems) rather than silently ignored. Fields OpenAI clients send by default and
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
        z.object({ type: z.literal('json_schema'), json_schema: z.record(z.string(), z.unknown()) }).strict(),
      ])
      .optional(),
    tools: z.array(z.record(z.string(), z.unknown())).max(128).optional(),
    tool_choice: z.union([z.string().max(50), z.record(z.string(), z.unknown())]).optional(),
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
 * What a valid request asks that SomaAgent does not do yet, each refused with its own code (a
 * client can tell "not supported" from "malformed"): tools until tool calling lands, JSON
 * response formats until the provider layer forwards them, and more than one choice.
 */
export function unsupportedFeature(body: ChatCompletionRequest): ApiError | undefined {
  const refuse = (param: string, code: string, message: string) => new ApiError(400, 'invalid_request_error', code, message, [{ path: param, code, message }]);
  if ((body.tools?.length ?? 0) > 0 || body.messages.some((m) => m.role === 'tool')) {
    return refuse('tools', 'tools_not_supported', 'Tool calling is not supported on /v1/chat/completions yet: send the request without "tools" (and without tool messages).');
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1) return refuse('n', 'n_not_supported', 'Only n=1 is supported: send one request per answer.');
  if (body.response_format && body.response_format.type !== 'text') {
    return refuse('response_format', 'response_format_not_supported', `response_format "${body.response_format.type}" is not supported yet: no model is asked for JSON output through this route; ask for JSON in the prompt, or send {"type":"text"}.`);
  }
  if (body.stream_options && !body.stream) return refuse('stream_options', 'invalid_value', '"stream_options" is only allowed with "stream": true.');
  return undefined;
}

/** Text parts joined; an assistant turn without text (a tool call) has none. */
function textOf(content: string | { text: string }[] | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** OpenAI's `developer` role is its newer name for `system`. */
export function chatMessages(messages: ChatCompletionRequest['messages']): ChatMessage[] {
  return messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role === 'tool' ? 'user' : m.role, content: textOf(m.content) }));
}
