import type { EmulatedTool, EmulatedToolChoice, JsonSchema } from './simulated-tool-calls.ts';

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
  /** Tools offered (simulated-tool-calls.ts decides which are called). */
  tools: EmulatedTool[];
  toolChoice: EmulatedToolChoice;
  parallelToolCalls: boolean;
  /** True when the last message is the user's own (not a tool result): only then are tools called. */
  lastIsUser: boolean;
  /** The tool results that end the conversation, when it ends with some (names resolved from the calls). */
  toolResults: Array<{ name: string; content: string }>;
  /** A JSON answer is asked for: `{}` for json_object, the schema for json_schema. */
  jsonSchema: JsonSchema | undefined;
  /** Hash of the request body: call ids derive from it, so they are deterministic. */
  key: string;
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
