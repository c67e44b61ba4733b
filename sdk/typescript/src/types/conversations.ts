import type { Role } from './shared.js';

export interface ConversationMessageInput {
  role: Role;
  content: string;
  metadata?: Record<string, unknown>;
}

export interface ConversationMessage {
  id: string;
  object: 'conversation.message';
  /** Position in the conversation (1, 2, ...). */
  seq: number;
  role: Role;
  content: string;
  /** The completion run that added it; null for messages appended directly. */
  run_id: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
}

export interface Conversation {
  /** `conv_...`; pass it as `conversation` to a completion to continue the thread. */
  id: string;
  object: 'conversation';
  title: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** `conversations.get` and `conversations.create`: the conversation with its messages, oldest first. */
export interface ConversationWithMessages extends Conversation {
  messages: ConversationMessage[];
}

export interface ConversationCreateParams {
  title?: string;
  metadata?: Record<string, unknown>;
  messages?: ConversationMessageInput[];
}

export interface ConversationListParams {
  /** 1..200, default 50. */
  limit?: number;
  /** ISO 8601: conversations updated before this time (the next page). */
  before?: string;
}

export interface ConversationAppendParams {
  messages: ConversationMessageInput[];
}

export interface ConversationDeleted {
  id: string;
  object: 'conversation';
  deleted: true;
}
