import type { ChatHistoryItem } from 'node-llama-cpp';

export interface LocalChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * Splits OpenAI-style messages into the history node-llama-cpp's chat session takes and the last
 * user turn it is prompted with; the session then renders them through the GGUF's own chat template
 * (ChatML for SmolLM2). Without a user turn at the end the last message is prompted as it is.
 */
export function toChatTurns(messages: readonly LocalChatMessage[]): { history: ChatHistoryItem[]; prompt: string } {
  const last = messages.at(-1);
  const earlier = last?.role === 'user' ? messages.slice(0, -1) : messages;
  const history = earlier.map((m): ChatHistoryItem =>
    m.role === 'system' ? { type: 'system', text: m.content } : m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] },
  );
  return { history, prompt: last?.role === 'user' ? last.content : '' };
}

/** A base model continues text: the conversation becomes the text, the last message its end. */
export function toCompletionText(messages: readonly LocalChatMessage[]): string {
  return messages.map((m) => m.content).join('\n\n');
}
