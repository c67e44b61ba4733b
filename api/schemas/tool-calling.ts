/**
 * Tool calling on the wire of POST /v1/completions (snake_case, like the rest of the API): the
 * request's `tools`, `tool_choice`, `parallel_tool_calls`, `response_format`, the messages that
 * carry calls and results, and the answer's `tool_calls`. The single source of these shapes:
 * the route parses with them and the OpenAPI document is derived from them.
 */
import { z } from 'zod';
import type { ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from '../../core/providers/tool-calling.ts';

/** The vendors' common rule for function names. */
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const ToolNameSchema = z.string().regex(TOOL_NAME, 'a tool name is 1-64 letters, digits, _ or -');

/** A JSON Schema; whether it is a valid one is checked after parsing (tool-request-problems.ts). */
const JsonSchemaObjectSchema = z.record(z.string(), z.unknown());

export const ToolDefinitionSchema = z
  .object({
    name: ToolNameSchema,
    description: z.string().max(10_000).optional(),
    parameters: JsonSchemaObjectSchema.optional().describe('JSON Schema (type object) of the arguments; default: no arguments.'),
  })
  .strict()
  .describe('A function the model may call.');

export const ToolChoiceSchema = z
  .union([z.enum(['auto', 'none', 'required']), z.object({ name: ToolNameSchema }).strict()])
  .describe('auto (default): the model decides; none: no calls; required: at least one call; {name}: exactly that tool.');

export const ResponseFormatSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('text') }).strict(),
    z.object({ type: z.literal('json_object') }).strict(),
    z
      .object({
        type: z.literal('json_schema'),
        json_schema: z.object({ name: ToolNameSchema, schema: JsonSchemaObjectSchema, strict: z.boolean().optional() }).strict(),
      })
      .strict(),
  ])
  .describe('json_object / json_schema need a model with the json_mode capability.');

export const ToolCallSchema = z
  .object({
    id: z.string().min(1).max(200),
    name: ToolNameSchema,
    arguments: z.string().max(1_000_000).describe('The arguments as JSON text, exactly as the model produced them.'),
  })
  .strict();

const CONTENT = z.string().max(1_000_000);

/**
 * A message of a completion request. One object rather than a union by role, so a request with
 * several mistakes (an unknown role and a bad content) hears of all of them at once; the rules
 * that depend on the role are checked after.
 */
export const CompletionMessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content: CONTENT.optional().describe('Required, except on an assistant turn that only calls tools.'),
    tool_calls: z.array(ToolCallSchema).min(1).max(128).optional().describe('Assistant turns: the calls the model made (answered by later tool messages).'),
    tool_call_id: z.string().min(1).max(200).optional().describe('Tool messages (required there): the id of the call, in an earlier assistant turn, this result answers.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.content === undefined && !(m.role === 'assistant' && m.tool_calls)) ctx.addIssue({ code: 'custom', path: ['content'], message: 'content is required (only an assistant turn with tool_calls may leave it out)' });
    if (m.role === 'tool' && m.tool_call_id === undefined) ctx.addIssue({ code: 'custom', path: ['tool_call_id'], message: 'a tool message needs the tool_call_id it answers' });
    if (m.role !== 'tool' && m.tool_call_id !== undefined) ctx.addIssue({ code: 'custom', path: ['tool_call_id'], message: 'only tool messages carry tool_call_id' });
    if (m.role !== 'assistant' && m.tool_calls !== undefined) ctx.addIssue({ code: 'custom', path: ['tool_calls'], message: 'only assistant turns carry tool_calls' });
  });

export type CompletionMessage = z.infer<typeof CompletionMessageSchema>;

export const toToolDefinition = (tool: z.infer<typeof ToolDefinitionSchema>): ToolDefinition => ({
  name: tool.name,
  ...(tool.description !== undefined && { description: tool.description }),
  parameters: tool.parameters ?? { type: 'object', properties: {} },
});

export const toToolChoice = (choice: z.infer<typeof ToolChoiceSchema>): ToolChoice => (typeof choice === 'string' ? choice : { name: choice.name });

export function toResponseFormat(format: z.infer<typeof ResponseFormatSchema>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, strict } = format.json_schema;
  return { type: 'json_schema', name, schema, ...(strict !== undefined && { strict }) };
}

export const toolCallJson = (call: ToolCall) => ({ id: call.id, name: call.name, arguments: call.arguments });
