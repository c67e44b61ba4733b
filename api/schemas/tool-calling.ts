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

/** The messages of a completion request: tool results answer an earlier assistant turn's calls. */
export const CompletionMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'user']), content: CONTENT }).strict(),
  z
    .object({
      role: z.literal('assistant'),
      content: CONTENT.default('').describe('Empty (or left out) for a turn that only calls tools.'),
      tool_calls: z.array(ToolCallSchema).min(1).max(128).optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal('tool'),
      tool_call_id: z.string().min(1).max(200).describe('The id of the call (in an earlier assistant turn) this result answers.'),
      content: CONTENT,
    })
    .strict(),
]);

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
