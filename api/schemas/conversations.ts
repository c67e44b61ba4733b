import { z } from 'zod';

/**
 * Conversations and their messages as the conversation endpoints answer them. conversationJson
 * and messageJson in api/routes/conversations.ts are typed by them.
 */

const timestamp = () => z.string().meta({ format: 'date-time' });

export const ConversationMessageSchema = z.object({
  id: z.string(),
  object: z.literal('conversation.message'),
  seq: z.number().int().describe('Position in the conversation (1, 2, ...).'),
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  run_id: z.string().nullable().describe('The completion run that added it; null for messages appended directly.'),
  metadata: z.record(z.string(), z.unknown()),
  created_at: timestamp(),
});

export const ConversationSchema = z.object({
  id: z.string().describe('`conv_...`; pass it as `conversation` to a completion to continue the thread.'),
  object: z.literal('conversation'),
  title: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: timestamp(),
  updated_at: timestamp(),
  messages: z.array(ConversationMessageSchema).optional().describe('Oldest first; only when one conversation is read or created, not in listings.'),
});

export type ConversationMessageJson = z.infer<typeof ConversationMessageSchema>;
export type ConversationJson = z.infer<typeof ConversationSchema>;
