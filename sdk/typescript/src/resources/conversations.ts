import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type {
  Conversation,
  ConversationAppendParams,
  ConversationCreateParams,
  ConversationDeleted,
  ConversationListParams,
  ConversationMessage,
  ConversationWithMessages,
} from '../types/conversations.js';
import type { List, PagedList } from '../types/shared.js';

/** Threads of messages; `completions.create({ conversation: id, messages })` continues one. */
export class Conversations extends APIResource {
  /** Most recently updated first (page with `before`). */
  list(params: ConversationListParams = {}, options?: RequestOptions): Promise<PagedList<Conversation>> {
    return this.http.request({ method: 'GET', path: '/v1/conversations', query: { ...params }, options });
  }

  create(body: ConversationCreateParams = {}, options?: RequestOptions): Promise<ConversationWithMessages> {
    return this.http.request({ method: 'POST', path: '/v1/conversations', body, options });
  }

  /** The conversation with its messages, oldest first. */
  get(conversationId: string, options?: RequestOptions): Promise<ConversationWithMessages> {
    return this.http.request({ method: 'GET', path: path`/v1/conversations/${conversationId}`, options });
  }

  /** Adds messages; answers with them as stored. */
  append(conversationId: string, body: ConversationAppendParams, options?: RequestOptions): Promise<List<ConversationMessage>> {
    return this.http.request({ method: 'POST', path: path`/v1/conversations/${conversationId}/messages`, body, options });
  }

  /** Deletes the conversation and its messages. */
  delete(conversationId: string, options?: RequestOptions): Promise<ConversationDeleted> {
    return this.http.request({ method: 'DELETE', path: path`/v1/conversations/${conversationId}`, options });
  }
}
