/**
 * Our tool-calling shapes to and from the Chat Completions wire format, for the OpenAI adapter
 * and every OpenAI-compatible server built on it (Ollama, vLLM, llama.cpp: local-provider.ts).
 */
import type OpenAI from 'openai';
import type { ChatMessage, GenerateRequest } from './provider.ts';
import type { ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from './tool-calling.ts';

export function openAIMessage(message: ChatMessage): OpenAI.ChatCompletionMessageParam {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
    case 'assistant':
      if (message.toolCalls && message.toolCalls.length > 0) {
        return {
          role: 'assistant',
          // A turn that only calls tools has no text: OpenAI wants null there, not "".
          content: message.content === '' ? null : message.content,
          tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
        };
      }
      return { role: 'assistant', content: message.content };
    default:
      return { role: message.role, content: message.content };
  }
}

export function openAITools(tools: ToolDefinition[]): OpenAI.ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, ...(tool.description !== undefined && { description: tool.description }), parameters: tool.parameters },
  }));
}

export function openAIToolChoice(choice: ToolChoice): OpenAI.ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

export function openAIResponseFormat(format: ResponseFormat): OpenAI.ChatCompletionCreateParams['response_format'] {
  if (format.type !== 'json_schema') return { type: format.type };
  return { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, ...(format.strict !== undefined && { strict: format.strict }) } };
}

/** The tool fields of a Chat Completions request; none when the request sends no tools. */
export function openAIToolParams(request: GenerateRequest) {
  const tools = request.tools ?? [];
  return {
    ...(tools.length > 0 && { tools: openAITools(tools) }),
    ...(tools.length > 0 && request.toolChoice !== undefined && { tool_choice: openAIToolChoice(request.toolChoice) }),
    // OpenAI refuses parallel_tool_calls without tools.
    ...(tools.length > 0 && request.parallelToolCalls !== undefined && { parallel_tool_calls: request.parallelToolCalls }),
    ...(request.responseFormat !== undefined && request.responseFormat.type !== 'text' && { response_format: openAIResponseFormat(request.responseFormat) }),
  };
}

/** Function calls of an answer; custom (free-text) tools are not part of our contract. */
export function toolCallsOf(calls: OpenAI.ChatCompletionMessageToolCall[] | undefined): ToolCall[] {
  const out: ToolCall[] = [];
  for (const call of calls ?? []) {
    if (call.type === 'function') out.push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  return out;
}
