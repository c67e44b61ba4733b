import { z } from 'zod';

/**
 * The answers of the prompt-template endpoints. The serializers in api/routes/prompts.ts are
 * typed by them and the OpenAPI document derives its schemas from them.
 */

export const ChatMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

/** Where a label points after a move (or a delete: version null). */
export const PromptLabelSchema = z.object({
  object: z.literal('prompt_label'),
  template: z.string(),
  label: z.string(),
  version: z.number().int().nullable().describe('Null once deleted.'),
  previous_version: z.number().int().nullable(),
  moved: z.boolean(),
});

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
  /** Only in the answer of version creation. */
  labels: z.array(PromptLabelSchema).optional().describe('The labels moved to it.'),
});

export type PromptTemplateVersionJson = z.infer<typeof PromptTemplateVersionSchema>;

const timestamp = () => z.string().meta({ format: 'date-time' });

/** A template: its labels and latest version number; `latest` when read, `version` when created. */
export const PromptTemplateSchema = z.object({
  id: z.string(),
  object: z.literal('prompt_template'),
  name: z.string(),
  description: z.string(),
  latest_version: z.number().int(),
  labels: z.record(z.string(), z.number().int()).describe('label → version'),
  created_at: timestamp(),
  updated_at: timestamp(),
  latest: PromptTemplateVersionSchema.optional(),
  version: PromptTemplateVersionSchema.optional(),
});

/** One entry of a label's history. */
export const LabelEventSchema = z.object({
  id: z.string(),
  label: z.string(),
  from_version: z.number().int().nullable(),
  to_version: z.number().int().nullable(),
  actor: z.string().describe('The API key id, `experiment:<id>`, or `loader`.'),
  reason: z.string().nullable(),
  created_at: timestamp(),
});

export type PromptTemplateJson = z.infer<typeof PromptTemplateSchema>;
export type PromptLabelJson = z.infer<typeof PromptLabelSchema>;
export type LabelEventJson = z.infer<typeof LabelEventSchema>;
