/**
 * Tool calling, one shape over every provider. Types only: the completion workflow, the agent
 * workflow and the provider adapters all share them, and adapters map them to and from each
 * vendor's wire format (OpenAI `tool_calls` / `tool` messages, Anthropic `tool_use` /
 * `tool_result` blocks).
 */

/** A JSON Schema object (draft 2020-12 subset the vendors accept), kept opaque here. */
export type JsonSchemaObject = { [key: string]: unknown };

/** A function the model may call. `name` matches /^[A-Za-z0-9_-]{1,64}$/ (the vendors' common rule). */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchemaObject;
}

/** auto: the model decides; none: never call; required: call at least one; {name}: call exactly that one. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** One call the model asked for. `arguments` is the JSON text exactly as the model produced it. */
export interface ToolCall {
  /** The provider's call id (OpenAI `call_…`, Anthropic `toolu_…`); results refer to it. */
  id: string;
  name: string;
  arguments: string;
}

/** Structured output the model must produce, where its registry capabilities include jsonMode. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchemaObject; strict?: boolean };

/** A streamed piece of a tool call: the first delta of a call carries id and name. */
export interface ToolCallDelta {
  /** Position of the call within this answer (parallel calls have 0, 1, …). */
  index: number;
  id?: string;
  name?: string;
  argumentsDelta: string;
}
