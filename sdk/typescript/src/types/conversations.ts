import type * as Wire from '../generated/api-types.js';
import type { Role } from './shared.js';

export interface ConversationMessageInput {
  role: Role;
  content: string;
  metadata?: Record<string, unknown>;
}

export type ConversationMessage = Wire.ConversationMessage;

/** A conversation as listed (without its messages). */
export type Conversation = Omit<Wire.Conversation, 'messages'>;

/** `conversations.get` and `conversations.create`: the conversation with its messages, oldest first. */
export type ConversationWithMessages = Conversation & { messages: ConversationMessage[] };

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
