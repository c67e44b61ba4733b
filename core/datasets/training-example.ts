import { z } from 'zod';

/**
 * One line of the OpenAI chat fine-tuning format: the shape every tuning backend reads, so the
 * platform keeps datasets in it rather than in a private format that would need converting.
 * `weight` 0 marks an assistant turn the model sees but is not trained on (OpenAI's rule).
 */
export const TrainingMessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant']),
    content: z.string().max(1_000_000),
    name: z.string().regex(/^[\w-]{1,64}$/).optional(),
    weight: z.union([z.literal(0), z.literal(1)]).optional(),
  })
  .strict()
  .refine((m) => m.weight === undefined || m.role === 'assistant', { message: 'weight is only allowed on assistant messages', path: ['weight'] });

export const TrainingExampleSchema = z
  .object({ messages: z.array(TrainingMessageSchema).min(2).max(2048) })
  .strict()
  .refine((e) => e.messages.some((m) => m.role === 'assistant' && m.weight !== 0), {
    message: 'an example needs at least one assistant message to train on',
    path: ['messages'],
  });

export type TrainingMessage = z.infer<typeof TrainingMessageSchema>;
export type TrainingExample = z.infer<typeof TrainingExampleSchema>;
