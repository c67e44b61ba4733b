import { newId } from '../platform/ids.ts';
import type { ChatMessage } from '../core/completions/completion-types.ts';
import type { Pool } from '../platform/db/pool.ts';
import { withTransaction } from '../platform/db/transaction.ts';

export interface Conversation {
  id: string;
  tenantId: string;
  title: string;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The roles a stored row can hold (the table's CHECK). Tool turns are kept by the completion
 * activity's encoding (activities/completion/conversation-turns.ts), not as a role of their own.
 */
export type StoredRole = Exclude<ChatMessage['role'], 'tool'>;

export interface StoredMessage {
  role: StoredRole;
  content: string;
  id: string;
  conversationId: string;
  seq: number;
  runId: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

interface ConversationRow {
  id: string;
  tenant_id: string;
  title: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: StoredRole;
  content: string;
  run_id: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
}

const toConversation = (r: ConversationRow): Conversation => ({ id: r.id, tenantId: r.tenant_id, title: r.title, metadata: r.metadata, createdAt: r.created_at, updatedAt: r.updated_at });
const toMessage = (r: MessageRow): StoredMessage => ({
  id: r.id,
  conversationId: r.conversation_id,
  seq: r.seq,
  role: r.role,
  content: r.content,
  runId: r.run_id,
  metadata: r.metadata,
  createdAt: r.created_at,
});
const CONVERSATION = 'id, tenant_id, title, metadata, created_at, updated_at';
const MESSAGE = 'id, conversation_id, seq, role, content, run_id, metadata, created_at';

export interface NewMessage {
  role: StoredRole;
  content: string;
  metadata?: Record<string, unknown>;
}

export interface ConversationStore {
  create(tenantId: string, input: { title?: string; metadata?: Record<string, unknown> }): Promise<Conversation>;
  get(tenantId: string, id: string): Promise<Conversation | undefined>;
  list(tenantId: string, options: { limit: number; before?: Date | undefined }): Promise<Conversation[]>;
  /** Oldest first; `last` keeps only the newest n (what fits a context window). */
  messages(tenantId: string, id: string, options?: { last?: number }): Promise<StoredMessage[]>;
  /**
   * Appends in order. With a run id, idempotent: a retried append (the activity ran twice)
   * writes nothing the second time. Undefined when the conversation does not exist.
   */
  append(tenantId: string, id: string, messages: NewMessage[], runId?: string): Promise<StoredMessage[] | undefined>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Messages not yet embedded for search, oldest first. */
  pendingForEmbedding(tenantId: string, limit: number): Promise<StoredMessage[]>;
  markEmbedded(tenantId: string, ids: string[]): Promise<void>;
  /** Tenants with messages waiting to be embedded (for an indexer that lost its trigger). */
  tenantsWithPending(limit: number): Promise<string[]>;
}

export function createConversationStore(pool: Pool): ConversationStore {
  return {
    async create(tenantId, input) {
      const { rows } = await pool.query<ConversationRow>(
        `INSERT INTO conversations (id, tenant_id, title, metadata) VALUES ($1, $2, $3, $4) RETURNING ${CONVERSATION}`,
        [newId('conv'), tenantId, input.title ?? '', JSON.stringify(input.metadata ?? {})],
      );
      return toConversation(rows[0]!);
    },

    async get(tenantId, id) {
      const { rows } = await pool.query<ConversationRow>(`SELECT ${CONVERSATION} FROM conversations WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return rows[0] && toConversation(rows[0]);
    },

    async list(tenantId, { limit, before }) {
      const { rows } = await pool.query<ConversationRow>(
        `SELECT ${CONVERSATION} FROM conversations WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR updated_at < $2)
         ORDER BY updated_at DESC LIMIT $3`,
        [tenantId, before ?? null, limit],
      );
      return rows.map(toConversation);
    },

    async messages(tenantId, id, options = {}) {
      const { rows } = await pool.query<MessageRow>(
        options.last === undefined
          ? `SELECT ${MESSAGE} FROM conversation_messages WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq`
          : `SELECT * FROM (SELECT ${MESSAGE} FROM conversation_messages WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq DESC LIMIT $3) AS newest ORDER BY seq`,
        options.last === undefined ? [tenantId, id] : [tenantId, id, options.last],
      );
      return rows.map(toMessage);
    },

    append(tenantId, id, messages, runId) {
      return withTransaction(pool, async (db) => {
        // The row lock orders concurrent appends to one conversation.
        const locked = await db.query('SELECT 1 FROM conversations WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
        if (locked.rowCount === 0) return undefined;
        if (runId !== undefined) {
          const done = await db.query<MessageRow>(`SELECT ${MESSAGE} FROM conversation_messages WHERE run_id = $1 ORDER BY part`, [runId]);
          if (done.rows.length > 0) return done.rows.map(toMessage);
        }
        const { rows: top } = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM conversation_messages WHERE conversation_id = $1', [id]);
        let seq = top[0]?.seq ?? 0;
        const stored: StoredMessage[] = [];
        for (const [part, message] of messages.entries()) {
          seq += 1;
          const { rows } = await db.query<MessageRow>(
            `INSERT INTO conversation_messages (id, conversation_id, tenant_id, seq, role, content, run_id, part, metadata)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${MESSAGE}`,
            [newId('msg'), id, tenantId, seq, message.role, message.content, runId ?? null, runId === undefined ? null : part, JSON.stringify(message.metadata ?? {})],
          );
          stored.push(toMessage(rows[0]!));
        }
        await db.query('UPDATE conversations SET updated_at = now() WHERE id = $1', [id]);
        return stored;
      });
    },

    async delete(tenantId, id) {
      const result = await pool.query('DELETE FROM conversations WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return result.rowCount === 1;
    },

    async pendingForEmbedding(tenantId, limit) {
      const { rows } = await pool.query<MessageRow>(
        `SELECT ${MESSAGE} FROM conversation_messages WHERE tenant_id = $1 AND NOT embedded AND content <> '' ORDER BY created_at, seq LIMIT $2`,
        [tenantId, limit],
      );
      return rows.map(toMessage);
    },

    async markEmbedded(tenantId, ids) {
      await pool.query('UPDATE conversation_messages SET embedded = true WHERE tenant_id = $1 AND id = ANY($2::text[])', [tenantId, ids]);
    },

    async tenantsWithPending(limit) {
      const { rows } = await pool.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM conversation_messages WHERE NOT embedded LIMIT $1', [limit]);
      return rows.map((r) => r.tenant_id);
    },
  };
}
