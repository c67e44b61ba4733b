import { z } from 'zod';

/**
 * The part of OpenAI's chat completion request a local model honours. Unknown fields are ignored
 * (OpenAI clients send many), malformed known ones are a 400 in OpenAI's error shape.
 */
const ContentPartSchema = z.object({ type: z.literal('text'), text: z.string() });

export const LocalChatRequestSchema = z.object({
  model: z.string().min(1).max(200),
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        // Text parts are joined; images and audio have no meaning for these models.
        content: z.union([z.string(), z.array(ContentPartSchema)]).transform((c) => (typeof c === 'string' ? c : c.map((p) => p.text).join(''))),
      }),
    )
    .min(1)
    .max(1000),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
});
export type LocalChatRequest = z.infer<typeof LocalChatRequestSchema>;
