/**
 * Our tool-calling shapes to and from the Anthropic Messages wire format: tools carry
 * `input_schema`, an assistant's calls are `tool_use` blocks, and results go back as
 * `tool_result` blocks inside a user turn.
 *
 * Anthropic has no JSON mode. A JSON response format is served by a forced tool
 * (JSON_RESPONSE_TOOL, whose input schema is the requested schema): the model must answer by
 * "calling" it, and the adapter hands its input back as the answer's text. That leaves no room
 * for the caller's own tools in the same request, so tools together with a JSON response format
 * are refused (bad_request) rather than one of them silently ignored.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage, GenerateRequest } from './provider.ts';
import { ProviderError } from './provider-error.ts';
import type { ToolCall, ToolChoice, ToolDefinition } from './tool-calling.ts';

/** The forced tool that carries a JSON answer (see above). */
export const JSON_RESPONSE_TOOL = 'json_response';

/** A call's JSON argument text as the object Anthropic wants; text that is not an object becomes {}. */
function inputOf(args: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The conversation without system messages (those go to the top-level `system`). Consecutive
 * tool results become one user turn, as Anthropic wants every result of a turn's calls
 * together, right after it.
 */
export function anthropicMessages(messages: ChatMessage[]): Anthropic.MessageParam[] {
  const out: Anthropic.MessageParam[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    if (message.role === 'tool') {
      const block: Anthropic.ToolResultBlockParam = { type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content };
      const last = out.at(-1);
      if (last?.role === 'user' && Array.isArray(last.content) && last.content.every((b) => b.type === 'tool_result')) last.content.push(block);
      else out.push({ role: 'user', content: [block] });
      continue;
    }
    if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) {
      const content: Anthropic.ContentBlockParam[] = [];
      if (message.content !== '') content.push({ type: 'text', text: message.content });
      for (const call of message.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: inputOf(call.arguments) });
      out.push({ role: 'assistant', content });
      continue;
    }
    out.push({ role: message.role, content: message.content });
  }
  return out;
}

export function anthropicTool(tool: ToolDefinition): Anthropic.Tool {
  return {
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    input_schema: { ...tool.parameters, type: 'object' },
  };
}

export function anthropicToolChoice(choice: ToolChoice, parallel: boolean | undefined): Anthropic.ToolChoice {
  const single = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...single };
  if (choice === 'required') return { type: 'any', ...single };
  return { type: 'tool', name: choice.name, ...single };
}

/** True when the request asks for JSON, served through the forced JSON_RESPONSE_TOOL. */
export function wantsJson(request: GenerateRequest): boolean {
  return request.responseFormat !== undefined && request.responseFormat.type !== 'text';
}

/** The tool fields of a Messages request (caller's tools, or the forced JSON tool). */
export function anthropicToolParams(request: GenerateRequest): { tools?: Anthropic.Tool[]; tool_choice?: Anthropic.ToolChoice } {
  const tools = request.tools ?? [];
  const format = request.responseFormat;
  if (format !== undefined && format.type !== 'text') {
    if (tools.length > 0) {
      throw new ProviderError('anthropic', 'bad_request', 'anthropic: tools together with a JSON response_format are not supported (Anthropic has no JSON mode; it is served by a forced tool). Send one or the other.');
    }
    const schema = format.type === 'json_schema' ? format.schema : { type: 'object' };
    return {
      tools: [{ name: JSON_RESPONSE_TOOL, description: 'Give the answer as this JSON object.', input_schema: { ...schema, type: 'object' } }],
      tool_choice: { type: 'tool', name: JSON_RESPONSE_TOOL },
    };
  }
  if (tools.length === 0) return {};
  return {
    tools: tools.map(anthropicTool),
    ...((request.toolChoice !== undefined || request.parallelToolCalls === false) && { tool_choice: anthropicToolChoice(request.toolChoice ?? 'auto', request.parallelToolCalls) }),
  };
}

/** The `tool_use` blocks of an answer as our calls (arguments as JSON text). */
export function toolCallsOf(content: Anthropic.ContentBlock[]): ToolCall[] {
  const out: ToolCall[] = [];
  for (const block of content) if (block.type === 'tool_use') out.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
  return out;
}
