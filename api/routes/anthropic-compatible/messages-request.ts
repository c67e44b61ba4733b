import { z } from 'zod';
import type { ChatMessage } from '../../../core/providers/provider.ts';
import { TOOL_NAME } from '../../schemas/tool-calling.ts';
import type { CompletionAsk } from '../completions.ts';

const TextBlockSchema = z.object({ type: z.literal('text'), text: z.string().max(1_000_000), cache_control: z.unknown().optional() }).strict();
const ContentSchema = z.union([z.string().max(1_000_000), z.array(TextBlockSchema).min(1).max(100)]);
const ToolNameSchema = z.string().regex(TOOL_NAME, 'a tool name is 1-64 letters, digits, _ or -');

/** An assistant's call, as Anthropic clients send it back. */
const ToolUseBlockSchema = z
  .object({ type: z.literal('tool_use'), id: z.string().min(1).max(200), name: ToolNameSchema, input: z.record(z.string(), z.unknown()), cache_control: z.unknown().optional() })
  .strict();

/** A tool's answer, in a user turn. */
const ToolResultBlockSchema = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1).max(200),
    content: z.union([z.string().max(1_000_000), z.array(TextBlockSchema).max(100)]).optional(),
    /** Accepted; the content says what went wrong. */
    is_error: z.boolean().optional(),
    cache_control: z.unknown().optional(),
  })
  .strict();

const BlockSchema = z.discriminatedUnion('type', [TextBlockSchema, ToolUseBlockSchema, ToolResultBlockSchema]);

const MessageSchema = z
  .object({ role: z.enum(['user', 'assistant']), content: z.union([z.string().max(1_000_000), z.array(BlockSchema).min(1).max(200)]) })
  .strict();

/**
 * Anthropic's `POST /v1/messages` request: text, tools (`tools`, `tool_choice`, `tool_use` and
 * `tool_result` blocks). `model` is a registry id, `auto` or `policy/<name>` as on
 * /v1/chat/completions; `metadata`, `top_k` are accepted and ignored.
 */
export const MessagesRequestSchema = z
  .object({
    model: z.string().min(1).max(200),
    max_tokens: z.number().int().min(1).max(1_000_000),
    messages: z.array(MessageSchema).min(1).max(1000),
    system: ContentSchema.optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    stop_sequences: z.array(z.string().min(1)).max(4).optional(),
    stream: z.boolean().optional(),
    metadata: z.object({ user_id: z.string().max(256).nullable().optional() }).strict().optional(),
    tools: z
      .array(z.object({ name: ToolNameSchema, description: z.string().max(10_000).optional(), input_schema: z.record(z.string(), z.unknown()), cache_control: z.unknown().optional() }).strict())
      .max(128)
      .optional(),
    tool_choice: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }).strict(),
        z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }).strict(),
        z.object({ type: z.literal('tool'), name: ToolNameSchema, disable_parallel_tool_use: z.boolean().optional() }).strict(),
        z.object({ type: z.literal('none') }).strict(),
      ])
      .optional(),
  })
  .strict();

export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

type Block = z.infer<typeof BlockSchema>;

const textOf = (content: string | { text: string }[] | undefined) => (content === undefined ? '' : typeof content === 'string' ? content : content.map((b) => b.text).join(''));

/** One Anthropic turn as ours: tool results each become a tool message, tool_use blocks the assistant's calls. */
function turnMessages(role: 'user' | 'assistant', content: string | Block[]): ChatMessage[] {
  if (typeof content === 'string') return [{ role, content }];
  const text = content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
  if (role === 'assistant') {
    const toolCalls = content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: JSON.stringify(b.input) }] : []));
    return [{ role, content: text, ...(toolCalls.length > 0 && { toolCalls }) }];
  }
  const results = content.flatMap((b): ChatMessage[] => (b.type === 'tool_result' ? [{ role: 'tool', content: textOf(b.content), toolCallId: b.tool_use_id }] : []));
  // Results answer the previous turn's calls, so they come first; text after them is the user's.
  return [...results, ...(text !== '' || results.length === 0 ? [{ role, content: text }] : [])];
}

/** Anthropic keeps the system prompt out of the messages; ours is the first message. */
export function messagesOf(body: MessagesRequest): ChatMessage[] {
  return [...(body.system !== undefined ? [{ role: 'system' as const, content: textOf(body.system) }] : []), ...body.messages.flatMap((m) => turnMessages(m.role, m.content))];
}

/** Anthropic's tool fields in our request's terms (checked with the rest by prepareCompletion). */
export function messagesToolAsk(body: MessagesRequest): Pick<CompletionAsk, 'tools' | 'tool_choice' | 'parallel_tool_calls'> {
  const choice = body.tool_choice;
  return {
    ...(body.tools && body.tools.length > 0 && {
      tools: body.tools.map((t) => ({ name: t.name, ...(t.description !== undefined && { description: t.description }), parameters: t.input_schema })),
    }),
    ...(choice !== undefined && { tool_choice: choice.type === 'any' ? 'required' : choice.type === 'tool' ? { name: choice.name } : choice.type }),
    ...(choice !== undefined && choice.type !== 'none' && choice.disable_parallel_tool_use === true && { parallel_tool_calls: false }),
  };
}
