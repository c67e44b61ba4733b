/**
 * The built-in tools every tenant has without registering anything. A tenant may also register a
 * tool of kind `builtin` under another name (its own description, approval rule, time-out); the
 * arguments' schema is always the built-in's own, since the platform executes it.
 *
 * Who runs them:
 *   - memory_search, render_prompt: executeTool, in the worker.
 *   - rag_answer, start_agent: the agent workflow, as child workflows (the RAG answer needs the
 *     agent's own model choice and budget; a sub-agent is a durable run of its own). executeTool
 *     refuses them with `executed_by_workflow`.
 */
import type { BuiltinToolName, ResolvedTool } from './tool-activity-contract.ts';
import type { JsonSchemaObject } from '../providers/tool-calling.ts';
import { TOOL_TIMEOUT_MS } from './tool-spec.ts';

interface BuiltinTool {
  description: string;
  parameters: JsonSchemaObject;
  executor: ResolvedTool['executor'];
}

const COLLECTIONS = { type: 'array', items: { type: 'string', maxLength: 128 }, maxItems: 20, description: 'Only these memory collections.' };

export const BUILTIN_TOOL_SPECS: Record<BuiltinToolName, BuiltinTool> = {
  memory_search: {
    description: "Searches the tenant's memory (ingested documents and conversations) and returns the best passages with their sources.",
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, maxLength: 2000, description: 'What to look for.' },
        k: { type: 'integer', minimum: 1, maximum: 20, default: 5, description: 'How many passages.' },
        collections: COLLECTIONS,
        sources: { type: 'array', items: { enum: ['documents', 'conversations'] }, minItems: 1, maxItems: 2, default: ['documents'] },
      },
      required: ['query'],
      additionalProperties: false,
    },
    executor: 'activity',
  },
  rag_answer: {
    description: "Answers a question from the tenant's memory with cited sources (retrieval-augmented generation).",
    parameters: {
      type: 'object',
      properties: { question: { type: 'string', minLength: 1, maxLength: 8000 }, collections: COLLECTIONS },
      required: ['question'],
      additionalProperties: false,
    },
    executor: 'agent',
  },
  render_prompt: {
    description: 'Renders a prompt template of the tenant (a name, name@version or name@label) with variables and returns the text or messages.',
    parameters: {
      type: 'object',
      properties: {
        template: { type: 'string', minLength: 1, maxLength: 200, description: 'name, name@3 or name@label' },
        variables: { type: 'object', description: "The template's variables." },
      },
      required: ['template'],
      additionalProperties: false,
    },
    executor: 'activity',
  },
  start_agent: {
    description: 'Hands a task to another agent of the tenant and returns its final answer.',
    parameters: {
      type: 'object',
      properties: { agent: { type: 'string', minLength: 1, maxLength: 128 }, input: { type: 'string', minLength: 1, maxLength: 32_000 } },
      required: ['agent', 'input'],
      additionalProperties: false,
    },
    executor: 'agent',
  },
};

/** A built-in as the model sees it when the tenant registered nothing under its name. */
export function defaultBuiltin(name: BuiltinToolName): ResolvedTool {
  const spec = BUILTIN_TOOL_SPECS[name];
  return {
    definition: { name, description: spec.description, parameters: spec.parameters },
    kind: 'builtin',
    builtin: name,
    executor: spec.executor,
    version: 0,
    requiresApproval: false,
    timeoutMs: TOOL_TIMEOUT_MS.default,
  };
}
