/**
 * The emulator's deterministic tool use, so tool calling is testable end to end without a model:
 *
 * - Calls: with tools offered, tool_choice not `none` and a user message last, every tool whose
 *   name appears in that message is called, in order of appearance (several: parallel calls in
 *   one answer). `required` with no name mentioned calls the first tool; a named tool_choice
 *   calls that tool. parallel_tool_calls false keeps the first call only.
 * - Arguments come from the tool's JSON-Schema `properties` and the user's message: a string
 *   `p` takes `p=<word>` or `p="quoted text"`, else the message's first quoted text, else
 *   "example"; a number or integer takes `p=<n>`, else the first number in the message, else 0;
 *   a boolean is false; an object is built the same way from its own properties. Only required
 *   properties and properties given as `p=…` are included.
 * - Results: a tool result last is answered `Tool results: <name>=<content>; …`.
 * - JSON response formats get an object built by the same rules from the schema.
 */
import { createHash } from 'node:crypto';

export type JsonSchema = { [key: string]: unknown };

export interface EmulatedTool {
  name: string;
  parameters: JsonSchema;
}

export type EmulatedToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface EmulatedToolCall {
  name: string;
  /** JSON text. */
  arguments: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value written as `p=<word>` or `p="quoted text"`, if the prompt has one. */
function explicitValue(prompt: string, property: string): string | undefined {
  const match = new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(property)}=(?:"([^"]*)"|([^\\s"',;)]+))`).exec(prompt);
  if (!match) return undefined;
  return match[1] ?? match[2];
}

const FIRST_QUOTED = /"([^"]*)"/;
const NUMBER = /-?\d+(?:\.\d+)?/;

function typeOf(schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === 'string' && t !== 'null');
  if (typeof schema.properties === 'object') return 'object';
  return undefined;
}

function valueFor(schema: JsonSchema, property: string, prompt: string): { value: unknown; found: boolean } {
  const explicit = explicitValue(prompt, property);
  const type = typeOf(schema);
  if (type === 'number' || type === 'integer') {
    const raw = explicit !== undefined && NUMBER.test(explicit) ? explicit : NUMBER.exec(prompt)?.[0];
    const n = raw === undefined ? 0 : Number(NUMBER.exec(raw)?.[0] ?? 0);
    return { value: type === 'integer' ? Math.trunc(n) : n, found: explicit !== undefined };
  }
  if (type === 'boolean') return { value: false, found: explicit !== undefined };
  if (type === 'object') return { value: objectFor(schema, prompt), found: false };
  if (type === 'array') return { value: [], found: false };
  let text = explicit ?? FIRST_QUOTED.exec(prompt)?.[1] ?? 'example';
  // An enum is a promise about the value: keep it.
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && !schema.enum.includes(text)) text = String(schema.enum[0]);
  return { value: text, found: explicit !== undefined };
}

/** An object for a JSON Schema: its required properties, and those the prompt gives as `p=…`. */
export function objectFor(schema: JsonSchema, prompt: string): Record<string, unknown> {
  const properties = typeof schema.properties === 'object' && schema.properties !== null ? (schema.properties as Record<string, JsonSchema>) : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    const { value, found } = valueFor(typeof property === 'object' && property !== null ? property : {}, name, prompt);
    if (required.has(name) || found) out[name] = value;
  }
  return out;
}

/** Where a tool's name first appears in the prompt as a whole word; -1 when it does not. */
function mentionAt(prompt: string, name: string): number {
  const match = new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(name)}(?![A-Za-z0-9_-])`).exec(prompt);
  return match ? match.index : -1;
}

/** The calls the emulator makes for the last user message (see above); empty for a text answer. */
export function simulateToolCalls(prompt: string, tools: EmulatedTool[], choice: EmulatedToolChoice, parallel: boolean): EmulatedToolCall[] {
  if (tools.length === 0 || choice === 'none') return [];
  let called: EmulatedTool[];
  if (typeof choice === 'object') {
    const named = tools.find((t) => t.name === choice.name);
    called = named ? [named] : [];
  } else {
    called = tools
      .map((tool) => ({ tool, at: mentionAt(prompt, tool.name) }))
      .filter((m) => m.at !== -1)
      .sort((a, b) => a.at - b.at)
      .map((m) => m.tool);
    if (called.length === 0 && choice === 'required') called = [tools[0]!];
  }
  if (!parallel) called = called.slice(0, 1);
  return called.map((tool) => ({ name: tool.name, arguments: JSON.stringify(objectFor(tool.parameters, prompt)) }));
}

/** `Tool results: <name>=<content>; …`, the answer once the tools have answered. */
export function toolResultsText(results: ReadonlyArray<{ name: string; content: string }>): string {
  return `Tool results: ${results.map((r) => `${r.name}=${r.content}`).join('; ')}`;
}

/** A stable key for a request, so call ids are the same every time the same request is made. */
export function requestKey(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
}
