import { z } from 'zod';
import type { ChatMessage } from '../../../core/providers/provider.ts';
import { ApiError } from '../../api-error.ts';

const TextBlockSchema = z.object({ type: z.literal('text'), text: z.string().max(1_000_000), cache_control: z.unknown().optional() }).strict();
const ContentSchema = z.union([z.string().max(1_000_000), z.array(TextBlockSchema).min(1).max(100)]);

/**
 * Anthropic's `POST /v1/messages` request, text only. `model` is a registry id, `auto` or
 * `policy/<name>` as on /v1/chat/completions. Tools are refused (tools_not_supported) until
 * tool calling lands; `metadata`, `top_k` are accepted and ignored.
 */
export const MessagesRequestSchema = z
  .object({
    model: z.string().min(1).max(200),
    max_tokens: z.number().int().min(1).max(1_000_000),
    messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: ContentSchema }).strict()).min(1).max(1000),
    system: ContentSchema.optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    stop_sequences: z.array(z.string().min(1)).max(4).optional(),
    stream: z.boolean().optional(),
    metadata: z.object({ user_id: z.string().max(256).nullable().optional() }).strict().optional(),
    tools: z.array(z.record(z.string(), z.unknown())).max(128).optional(),
    tool_choice: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

const textOf = (content: string | { text: string }[]) => (typeof content === 'string' ? content : content.map((b) => b.text).join(''));

/** Anthropic keeps the system prompt out of the messages; ours is the first message. */
export function messagesOf(body: MessagesRequest): ChatMessage[] {
  return [...(body.system !== undefined ? [{ role: 'system' as const, content: textOf(body.system) }] : []), ...body.messages.map((m) => ({ role: m.role, content: textOf(m.content) }))];
}

export function unsupportedMessagesFeature(body: MessagesRequest): ApiError | undefined {
  if ((body.tools?.length ?? 0) > 0) {
    const message = 'Tool use is not supported on /v1/messages yet: send the request without "tools".';
    return new ApiError(400, 'invalid_request_error', 'tools_not_supported', message, [{ path: 'tools', code: 'tools_not_supported', message }]);
  }
  return undefined;
}
