import { z } from 'zod';

/**
 * Agents and agent runs as the API answers them. The serializers in api/routes/agents.ts and
 * api/routes/agent-runs.ts are typed by these, and the OpenAPI document derives from them.
 */
const dateTime = z.string().meta({ format: 'date-time' });
const jsonObject = z.record(z.string(), z.unknown());

export const AgentSchema = z.object({
  object: z.literal('agent'),
  name: z.string(),
  description: z.string(),
  latest_version: z.number().int(),
  labels: z.record(z.string(), z.number().int()).describe('label → version'),
  /** The version shown (the one asked for; by default the `production` label, else the latest). */
  version: z.number().int(),
  definition: jsonObject.describe('The version\'s definition as it was written (instructions, model, tools, limits, guardrails).'),
  note: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: dateTime,
  updated_at: dateTime,
});
export type AgentJson = z.infer<typeof AgentSchema>;

export const AgentVersionSchema = z.object({
  object: z.literal('agent_version'),
  name: z.string(),
  version: z.number().int(),
  definition: jsonObject,
  note: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: dateTime,
});
export type AgentVersionJson = z.infer<typeof AgentVersionSchema>;

const ApproverSchema = z.object({ key_id: z.string(), key_name: z.string().nullable() });

export const PendingApprovalSchema = z.object({
  call_id: z.string(),
  tool_name: z.string(),
  arguments: z.string().describe('JSON text as the model produced it.'),
  step: z.number().int(),
  requested_at: dateTime,
  expires_at: dateTime,
  timeout_action: z.enum(['reject', 'approve', 'fail']),
});

export const ApprovalDecisionSchema = z.object({
  call_id: z.string(),
  tool_name: z.string(),
  decision: z.enum(['approve', 'edit', 'reject']),
  timed_out: z.boolean(),
  approver: ApproverSchema.nullable().describe('The API key that decided (null when the time-out policy did).'),
  reason: z.string().nullable(),
  decided_at: dateTime,
});

export const ApprovalListSchema = z.object({
  object: z.literal('list'),
  run_id: z.string(),
  pending: z.array(PendingApprovalSchema),
  decided: z.array(ApprovalDecisionSchema),
});
export type ApprovalListJson = z.infer<typeof ApprovalListSchema>;

export const ApprovalAcceptedSchema = z.object({
  run_id: z.string(),
  call_id: z.string(),
  decision: z.enum(['approve', 'edit', 'reject']),
  accepted: z.literal(true),
  approver: ApproverSchema,
});

const ToolCallRecordSchema = z.object({
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  original_arguments: z.string().optional(),
  status: z.enum(['pending_approval', 'running', 'succeeded', 'failed', 'rejected', 'cancelled']),
  result: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  approval: z
    .object({ decision: z.enum(['approve', 'edit', 'reject']), by: ApproverSchema.nullable(), reason: z.string().nullable(), timed_out: z.boolean(), at: dateTime })
    .optional(),
  latency_ms: z.number().optional(),
  cost_usd: z.number().optional(),
});

export const AgentStepSchema = z.object({
  index: z.number().int(),
  started_at: dateTime,
  finished_at: dateTime.optional(),
  completion_run_id: z.string().describe('The completion run of this turn (GET /v1/runs/{id}).'),
  model: z.string().optional(),
  text: z.string().optional(),
  tool_calls: z.array(ToolCallRecordSchema),
  cost_usd: z.number(),
  model_latency_ms: z.number().optional(),
  latency_ms: z.number().optional(),
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  corrective: z.boolean().optional(),
});

const RunStatus = z.enum(['running', 'waiting_approval', 'completed', 'failed', 'cancelled']);
const StopReason = z.enum(['final', 'max_steps', 'max_cost', 'cancelled', 'failed']);

export const AgentRunStateSchema = z.object({
  object: z.literal('agent_run'),
  id: z.string(),
  status: RunStatus,
  agent: z.string(),
  version: z.number().int(),
  step: z.number().int(),
  max_steps: z.number().int(),
  cost_usd: z.number(),
  max_cost_usd: z.number().nullable(),
  pending_approvals: z.number().int(),
  stop_reason: StopReason.optional(),
  output: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional().describe('Why the run failed, when it did.'),
  steps: z.array(AgentStepSchema),
  pending: z.array(PendingApprovalSchema),
  transcript: z.array(z.object({ role: z.string(), content: z.string(), tool_calls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })).optional(), tool_call_id: z.string().optional() })),
});
export type AgentRunStateJson = z.infer<typeof AgentRunStateSchema>;

export const AgentResultSchema = z.object({
  status: z.enum(['completed', 'failed', 'cancelled']),
  stop_reason: StopReason,
  output: z.string(),
  parsed: z.unknown().optional().describe('The answer parsed as JSON, when the agent has an output schema.'),
  agent: z.string(),
  version: z.number().int(),
  steps: z.array(AgentStepSchema),
  cost_usd: z.number(),
});

export const AgentEventSchema = z.object({
  seq: z.number().int(),
  type: z.enum(['run_started', 'step_started', 'model_text_delta', 'tool_call', 'tool_result', 'approval_needed', 'approval_resolved', 'handoff', 'final', 'error']),
  at: dateTime,
  step: z.number().int().optional(),
  data: jsonObject,
});

export const AgentEventListSchema = z.object({ object: z.literal('list'), run_id: z.string(), data: z.array(AgentEventSchema) });
