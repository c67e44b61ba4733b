/**
 * Tool turns in a stored conversation. The conversation table knows the roles system, user and
 * assistant only (migration 011), so a tool turn is kept in a row's metadata: an assistant's
 * calls under `tool_calls`, a tool result as a `user` row with `tool_call_id`. Loading reverses
 * it, so a continued conversation gives the model the same turns it had.
 */
import type { ChatMessage } from '../providers/provider.ts';
import type { ToolCall } from '../providers/tool-calling.ts';

export interface StoredTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
  metadata?: Record<string, unknown>;
}

export function toStoredTurn(message: ChatMessage): StoredTurn {
  if (message.role === 'tool') return { role: 'user', content: message.content, metadata: { tool_call_id: message.toolCallId ?? '' } };
  if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) {
    return { role: 'assistant', content: message.content, metadata: { tool_calls: message.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })) } };
  }
  return { role: message.role, content: message.content };
}

function isToolCall(value: unknown): value is ToolCall {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.name === 'string' && typeof v.arguments === 'string';
}

export function fromStoredTurn(turn: StoredTurn): ChatMessage {
  const meta = turn.metadata ?? {};
  if (turn.role === 'user' && typeof meta.tool_call_id === 'string') return { role: 'tool', content: turn.content, toolCallId: meta.tool_call_id };
  if (turn.role === 'assistant' && Array.isArray(meta.tool_calls)) {
    const toolCalls = meta.tool_calls.filter(isToolCall).map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
    if (toolCalls.length > 0) return { role: 'assistant', content: turn.content, toolCalls };
  }
  return { role: turn.role, content: turn.content };
}
