import { z } from 'zod';

/**
 * The answers of the prompt-template endpoints. The serializers in api/routes/prompts.ts are
 * typed by them and the OpenAPI document derives its schemas from them.
 */

export const ChatMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

/** One immutable version of a template; listings leave out its content (text or messages, variables). */
export const PromptTemplateVersionSchema = z.object({
  object: z.literal('prompt_template_version'),
  template: z.string(),
  version: z.number().int(),
  content_hash: z.string().describe('sha256 of the content and variables schema'),
  type: z.enum(['text', 'chat']),
  text: z.string().optional(),
  messages: z.array(ChatMessageSchema).optional(),
  variables: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('JSON Schema (subset) of the variables: type, enum, default, lengths, ranges, items, properties, required.'),
  references: z.array(z.string()).describe('Templates this one includes, imports or extends.'),
  note: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string().meta({ format: 'date-time' }),
  /** Only in the answer of version creation. */
  created: z.boolean().optional().describe('False when the content equalled the latest version (nothing was added).'),
});

export type PromptTemplateVersionJson = z.infer<typeof PromptTemplateVersionSchema>;
