import { Router } from 'express';
import { z } from 'zod';
import type { ConversationStore, Conversation, StoredMessage } from '../../stores/conversations.ts';
import { notFound } from '../api-error.ts';
import { principalOf } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';
import type { ConversationJson, ConversationMessageJson } from '../schemas/conversations.ts';

export const CONVERSATION_ID = /^conv_[A-Za-z0-9_-]{1,64}$/;
const Metadata = z.record(z.string(), z.unknown()).refine((m) => JSON.stringify(m).length <= 16_384, 'metadata may be at most 16 KB of JSON');
const MessageSchema = z
  .object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(1_000_000), metadata: Metadata.optional() })
  .strict();

export const CreateConversationSchema = z
  .object({ title: z.string().max(500).optional(), metadata: Metadata.optional(), messages: z.array(MessageSchema).max(1000).optional() })
  .strict();
export const AppendMessagesSchema = z.object({ messages: z.array(MessageSchema).min(1).max(1000) }).strict();
const ListQuerySchema = z
  // JavaScript dates reach year ±275760; Postgres timestamps start at 4713 BC (22008 below that).
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50), before: z.coerce.date().min(new Date('0001-01-01T00:00:00Z')).max(new Date('9999-12-31T23:59:59Z')).optional() })
  .strict();

export const conversationJson = (c: Conversation): ConversationJson => ({
  id: c.id,
  object: 'conversation',
  title: c.title,
  metadata: c.metadata,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
});

export const messageJson = (m: StoredMessage): ConversationMessageJson => ({
  id: m.id,
  object: 'conversation.message',
  seq: m.seq,
  role: m.role,
  content: m.content,
  run_id: m.runId,
  metadata: m.metadata,
  created_at: m.createdAt.toISOString(),
});

export function conversationId(raw: unknown): string {
  const id = String(raw);
  if (!CONVERSATION_ID.test(id)) throw conversationNotFound(id);
  return id;
}

export const conversationNotFound = (id: string) => notFound('conversation_not_found', `No conversation "${id}" for this tenant.`);

export function conversationsRouter(deps: { store: ConversationStore; onMessages?: (tenantId: string, messages: StoredMessage[]) => void }): Router {
  const router = Router();

  router.post('/v1/conversations', async (req, res) => {
    const { tenantId } = principalOf(req);
    const body = parseInput(CreateConversationSchema, req.body ?? {});
    const conversation = await deps.store.create(tenantId, { ...(body.title !== undefined && { title: body.title }), ...(body.metadata && { metadata: body.metadata }) });
    const messages = body.messages?.length ? ((await deps.store.append(tenantId, conversation.id, body.messages)) ?? []) : [];
    if (messages.length > 0) deps.onMessages?.(tenantId, messages);
    res.status(201).location(`/v1/conversations/${conversation.id}`).json({ ...conversationJson(conversation), messages: messages.map(messageJson) });
  });

  router.get('/v1/conversations', async (req, res) => {
    const { tenantId } = principalOf(req);
    const query = parseInput(ListQuerySchema, req.query, 'query string');
    const list = await deps.store.list(tenantId, query);
    res.json({ object: 'list', data: list.map(conversationJson), has_more: list.length === query.limit });
  });

  router.get('/v1/conversations/:conversationId', async (req, res) => {
    const { tenantId } = principalOf(req);
    const id = conversationId(req.params.conversationId);
    const conversation = await deps.store.get(tenantId, id);
    if (!conversation) throw conversationNotFound(id);
    res.json({ ...conversationJson(conversation), messages: (await deps.store.messages(tenantId, id)).map(messageJson) });
  });

  router.post('/v1/conversations/:conversationId/messages', async (req, res) => {
    const { tenantId } = principalOf(req);
    const id = conversationId(req.params.conversationId);
    const body = parseInput(AppendMessagesSchema, req.body);
    const stored = await deps.store.append(tenantId, id, body.messages);
    if (!stored) throw conversationNotFound(id);
    deps.onMessages?.(tenantId, stored);
    res.status(201).json({ object: 'list', data: stored.map(messageJson) });
  });

  router.delete('/v1/conversations/:conversationId', async (req, res) => {
    const { tenantId } = principalOf(req);
    const id = conversationId(req.params.conversationId);
    if (!(await deps.store.delete(tenantId, id))) throw conversationNotFound(id);
    res.json({ id, object: 'conversation', deleted: true });
  });

  return router;
}

