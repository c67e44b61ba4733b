/**
 * What makes a tool-calling request unanswerable, found before a run starts so the caller gets
 * a 400 naming it instead of a provider's refusal later: tool schemas that are no JSON Schema
 * of an object, duplicate names, a tool_choice naming a tool not offered, call arguments that
 * are not JSON, and tool results that answer no call of an earlier assistant turn.
 */
import { Ajv } from 'ajv';
import type { ChatMessage } from '../providers/provider.ts';
import type { ToolOptions } from './completion-types.ts';

const ajv = new Ajv({ strict: false, validateFormats: false });

export interface ToolRequestProblem {
  path: string;
  code: 'invalid_tool_schema' | 'duplicate_tool_name' | 'unknown_tool' | 'tool_choice_without_tools' | 'invalid_tool_arguments' | 'unknown_tool_call_id' | 'invalid_response_schema';
  message: string;
}

/** Why `schema` is not a JSON Schema of an object; undefined when it is one. */
function objectSchemaProblem(schema: Record<string, unknown>): string | undefined {
  if (schema.type !== 'object') return 'must be a JSON Schema with "type": "object"';
  try {
    if (!ajv.validateSchema(schema)) return `is not a valid JSON Schema: ${ajv.errorsText(ajv.errors)}`;
  } catch (err) {
    return `is not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}`;
  }
  return undefined;
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Problems of the offered tools, the tool choice and the response format. */
export function toolOptionProblems(options: ToolOptions, paths: { tools: string; toolChoice: string; responseFormat: string } = { tools: 'tools', toolChoice: 'tool_choice', responseFormat: 'response_format' }): ToolRequestProblem[] {
  const problems: ToolRequestProblem[] = [];
  const tools = options.tools ?? [];
  const seen = new Set<string>();
  tools.forEach((tool, i) => {
    const problem = objectSchemaProblem(tool.parameters);
    if (problem) problems.push({ path: `${paths.tools}.${i}.parameters`, code: 'invalid_tool_schema', message: `The parameters of tool "${tool.name}" ${problem}.` });
    if (seen.has(tool.name)) problems.push({ path: `${paths.tools}.${i}.name`, code: 'duplicate_tool_name', message: `Tool "${tool.name}" is offered twice; names must be unique.` });
    seen.add(tool.name);
  });
  const choice = options.toolChoice;
  if (choice !== undefined && choice !== 'auto' && choice !== 'none' && tools.length === 0) {
    problems.push({ path: paths.toolChoice, code: 'tool_choice_without_tools', message: 'tool_choice asks for a tool call, but the request offers no tools.' });
  } else if (typeof choice === 'object' && !seen.has(choice.name)) {
    problems.push({ path: paths.toolChoice, code: 'unknown_tool', message: `tool_choice names "${choice.name}", which is not among the tools offered.` });
  }
  const format = options.responseFormat;
  if (format?.type === 'json_schema') {
    const problem = objectSchemaProblem(format.schema);
    if (problem) problems.push({ path: `${paths.responseFormat}.json_schema.schema`, code: 'invalid_response_schema', message: `The response schema ${problem}.` });
  }
  return problems;
}

/** Problems of the conversation's tool turns: arguments must be JSON, results must answer an earlier call. */
export function toolTurnProblems(messages: readonly ChatMessage[], path = 'messages'): ToolRequestProblem[] {
  const problems: ToolRequestProblem[] = [];
  const calls = new Set<string>();
  messages.forEach((message, i) => {
    for (const [j, call] of (message.toolCalls ?? []).entries()) {
      if (!isJsonText(call.arguments)) problems.push({ path: `${path}.${i}.tool_calls.${j}.arguments`, code: 'invalid_tool_arguments', message: `The arguments of call "${call.id}" are not JSON text.` });
      calls.add(call.id);
    }
    if (message.role === 'tool' && !calls.has(message.toolCallId ?? '')) {
      problems.push({ path: `${path}.${i}.tool_call_id`, code: 'unknown_tool_call_id', message: `This tool result answers "${message.toolCallId ?? ''}", which no earlier assistant turn called.` });
    }
  });
  return problems;
}
