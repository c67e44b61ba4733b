import { z } from 'zod';
import { AppendMessagesSchema, CONVERSATION_ID, CreateConversationSchema } from './routes/conversations.ts';
import { pathParam } from './openapi-path-param.ts';
import { responseJsonSchema } from './schemas/response-json-schema.ts';
import { ConversationMessageSchema, ConversationSchema } from './schemas/conversations.ts';

/** OpenAPI paths and schemas of conversations, merged into openapi.ts. */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const common = { '400': errorResponse('Invalid input (validation_failed, ...)'), '401': errorResponse('Missing or invalid API key') };
const idParam = pathParam('conversationId', CONVERSATION_ID, 'conv_...');
const missing = { '404': errorResponse('No such conversation for this tenant (conversation_not_found)') };

// Derived from the zod schemas conversationJson and messageJson are typed by (api/schemas/conversations.ts).
export const conversationSchemas = {
  Conversation: responseJsonSchema(ConversationSchema, new Map([[ConversationMessageSchema, 'ConversationMessage']])),
  ConversationMessage: responseJsonSchema(ConversationMessageSchema),
};

export const conversationPaths = {
  '/v1/conversations': {
    get: {
      operationId: 'listConversations',
      summary: "The tenant's conversations, most recently updated first",
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
        { name: 'before', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'Page: conversations updated before this time.' },
      ],
      responses: { '200': { description: 'Conversations', content: json({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref('Conversation') }, has_more: { type: 'boolean' } } }) }, ...common },
    },
    post: {
      operationId: 'createConversation',
      summary: 'Start a conversation (optionally with messages); completions continue it with "conversation"',
      requestBody: { required: false, content: json(z.toJSONSchema(CreateConversationSchema, { io: 'input' })) },
      responses: { '201': { description: 'Created', content: json(ref('Conversation')) }, ...common },
    },
  },
  '/v1/conversations/{conversationId}': {
    get: {
      operationId: 'getConversation',
      summary: 'A conversation with its messages, oldest first',
      parameters: [idParam],
      responses: { '200': { description: 'The conversation', content: json(ref('Conversation')) }, ...missing, ...common },
    },
    delete: {
      operationId: 'deleteConversation',
      summary: 'Delete a conversation and its messages',
      parameters: [idParam],
      responses: { '200': { description: 'Deleted' }, ...missing, ...common },
    },
  },
  '/v1/conversations/{conversationId}/messages': {
    post: {
      operationId: 'appendConversationMessages',
      summary: 'Add messages to a conversation',
      parameters: [idParam],
      requestBody: { required: true, content: json(z.toJSONSchema(AppendMessagesSchema, { io: 'input' })) },
      responses: { '201': { description: 'The stored messages', content: json({ type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref('ConversationMessage') } } }) }, ...missing, ...common },
    },
  },
};
