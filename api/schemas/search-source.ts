import { z } from 'zod';

/** Where a retrieved passage came from: a document chunk or an earlier conversation message. */
export const SearchSourceSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('document'),
    document_id: z.string(),
    source: z.string(),
    title: z.string(),
    collection: z.string(),
    seq: z.number().int(),
    heading_path: z.string(),
  }),
  z.object({
    type: z.literal('conversation'),
    conversation_id: z.string(),
    role: z.enum(['system', 'user', 'assistant']),
    seq: z.number().int(),
    created_at: z.string().meta({ format: 'date-time' }),
  }),
]);
