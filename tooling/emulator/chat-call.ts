/**
 * The vendor-neutral view of one chat request. Each wire format parses its own JSON into this,
 * so the simulated answer is computed once and rendered twice (OpenAI and Anthropic shapes).
 */
export interface ChatCall {
  model: string;
  /** Every text the model would read (system + all turns); the input token estimate counts these. */
  promptTexts: string[];
  /** The last user turn; the simulated answer echoes it. */
  lastUserText: string;
  maxTokens: number | undefined;
  stop: string[];
  stream: boolean;
  /** OpenAI only: `stream_options.include_usage` asks for a final usage chunk. */
  includeUsage: boolean;
}

/** Both vendors accept either a string or a list of typed parts; only text parts matter here. */
export type MessageContent = string | ReadonlyArray<{ type: string; text?: string | undefined }> | null | undefined;

export function textOf(content: MessageContent): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  let text = '';
  for (const part of content) {
    if (part.type === 'text' && typeof part.text === 'string') text += (text ? '\n' : '') + part.text;
  }
  return text;
}
