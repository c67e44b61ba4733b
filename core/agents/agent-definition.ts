/**
 * An agent as data: what a tenant writes with POST /v1/agents (or ships in a capsule). The single
 * source of the shape: the API validates with it, the OpenAPI document derives from it, and the
 * store keeps what it parsed (snake_case, as on the wire). Pure (zod only).
 */
import { z } from 'zod';

/** Agent names go into workflow ids and search attributes: kept to a safe alphabet. */
export const AGENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const AGENT_LABEL = /^[a-z][a-z0-9_-]{0,31}$/;
/** A tool by name, optionally pinned: `lookup`, `lookup@3`, `lookup@prod`. */
const TOOL_REF = /^[A-Za-z0-9_-]{1,64}(@[a-z0-9][a-z0-9_-]{0,31})?$/;
const TEMPLATE_NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/;

export const MAX_STEPS_LIMIT = 100;
/** Version numbers are Postgres integers: anything larger is no version that exists, and a 400. */
export const MAX_AGENT_VERSION = 999_999_999;

export const AgentNameSchema = z.string().regex(AGENT_NAME, 'an agent name is a lowercase letter or digit, then up to 63 lowercase letters, digits, "_" or "-"');
export const AgentLabelSchema = z.string().regex(AGENT_LABEL, 'a label is a lowercase letter then up to 31 lowercase letters, digits, "_" or "-"');

/** Instructions from a prompt template: a version, a label, or neither (its `production` label, else the latest). */
export const PromptInstructionsSchema = z
  .object({
    prompt: z.string().regex(TEMPLATE_NAME, 'a prompt template name'),
    version: z.number().int().min(1).optional(),
    label: z.string().regex(/^[a-z][a-z0-9_.-]{0,49}$/, 'a label name').optional(),
    variables: z.record(z.string(), z.unknown()).optional().describe('Default variables; a run\'s own `variables` win.'),
  })
  .strict()
  .refine((p) => p.version === undefined || p.label === undefined, { message: 'Give "version" or "label", not both.', path: ['label'] });

export const ApprovalTimeoutSchema = z
  .object({
    action: z.enum(['reject', 'approve', 'fail']).describe('reject: the model is told the call was refused; approve: it runs; fail: the run fails.'),
    after_seconds: z.number().int().min(1).max(30 * 24 * 3600),
  })
  .strict();

export const DEFAULT_APPROVAL_TIMEOUT = { action: 'reject', after_seconds: 3600 } as const;

/** A JSON Schema object: checked further (compiles with Ajv) by checkOutputSchema. */
const OutputSchemaSchema = z
  .record(z.string(), z.unknown())
  .refine((s) => JSON.stringify(s).length <= 64 * 1024, 'the output schema is larger than 64 KiB');

export const AgentDefinitionSchema = z
  .object({
    name: AgentNameSchema,
    description: z.string().max(2000).optional(),
    instructions: z
      .union([z.string().min(1).max(100_000), PromptInstructionsSchema])
      .describe('The system message: inline text, or a prompt template reference rendered when a run starts.'),
    model: z.string().min(1).max(200).optional().describe('A model id or `auto`.'),
    models: z.array(z.string().min(1).max(200)).min(1).max(10).optional().describe('An explicit fallback chain.'),
    policy: z.string().min(1).max(100).optional().describe('A named model policy. With none of model, models and policy, the tenant\'s default policy applies.'),
    tools: z.array(z.string().regex(TOOL_REF, 'a tool name, optionally @version or @label')).max(64).default([]).describe('Tools from the registry (GET /v1/tools) or built-ins, by name.'),
    handoffs: z.array(AgentNameSchema).max(16).optional().describe('Agents this one may transfer the conversation to.'),
    max_steps: z.number().int().min(1).max(MAX_STEPS_LIMIT).default(10).describe('Model turns before the run stops with stop_reason max_steps.'),
    max_cost_usd: z.number().positive().max(100_000).nullable().default(null).describe('The run stops (stop_reason max_cost) once its model and child-agent spend reaches this.'),
    approval_timeout: ApprovalTimeoutSchema.default(DEFAULT_APPROVAL_TIMEOUT),
    output_schema: OutputSchemaSchema.optional().describe('Guardrail: the final answer must be JSON valid against this schema; one corrective turn, then the run fails.'),
    max_tokens: z.number().int().min(1).max(200_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    labels: z.array(AgentLabelSchema).max(10).optional().describe('Labels to point at the new version.'),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .refine((d) => [d.model, d.models, d.policy].filter((v) => v !== undefined).length <= 1, {
    message: 'Give at most one of "model", "models" and "policy".',
    path: ['model'],
  });

export type AgentDefinitionInput = z.input<typeof AgentDefinitionSchema>;
export type AgentDefinition = z.output<typeof AgentDefinitionSchema>;

/** What a version stores: the definition without what belongs to the agent or the request. */
export type AgentSpec = Omit<AgentDefinition, 'name' | 'labels' | 'note' | 'description'>;

export function specOf(definition: AgentDefinition): AgentSpec {
  const { name: _name, labels: _labels, note: _note, description: _description, ...spec } = definition;
  return spec;
}
