import { z } from 'zod';
import { EscalationPolicySpecSchema, OnCallOverrideSpecSchema, OnCallScheduleSpecSchema } from '../core/ops/oncall/oncall-types.ts';
import { pathParam } from './openapi-path-param.ts';
import {
  DeletedSchema,
  EscalationPolicyJsonSchema,
  OnCallNowSchema,
  OnCallOverrideJsonSchema,
  OnCallScheduleJsonSchema,
  OverrideListSchema,
  POLICY_ID,
  PolicyListSchema,
  SCHEDULE_ID,
  OVERRIDE_ID,
  ScheduleListSchema,
} from './routes/ops-oncall.ts';

/**
 * OpenAPI paths of on-call (api/routes/ops-oncall.ts), merged into openapi.ts. On-call is an
 * operator protocol, not an app developer's call, so the SDKs leave it out ('x-sdk': false);
 * `somaagent oncall` reaches it through the SDK's raw request.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const out = (schema: z.ZodType) => json(z.toJSONSchema(schema, { io: 'output' }));
const body = (schema: z.ZodType) => ({ required: true, content: json(z.toJSONSchema(schema, { io: 'input' })) });
const ADMIN = errorResponse('admin_required (writes need an admin key) or insufficient_role (read-only key)');
const INVALID = errorResponse('validation_failed: details list every problem (bad time zone, date, clock, end before start, unknown schedule target)');
const TAKEN = errorResponse('name_taken: another one of this tenant has this name');
const schedule = pathParam('id', SCHEDULE_ID, 'A schedule id (sch_...)');
const policy = pathParam('id', POLICY_ID, 'An escalation policy id (esc_...)');

export const onCallPaths = {
  '/v1/ops/oncall': {
    get: {
      operationId: 'getOnCall',
      'x-sdk': false,
      summary: "Who is on call now on each of the tenant's schedules, and who is next and when",
      parameters: [
        { name: 'schedule_id', in: 'query', required: false, description: 'Only this schedule.', schema: { type: 'string', pattern: SCHEDULE_ID.source } },
        { name: 'at', in: 'query', required: false, description: 'Answer for this instant (ISO 8601) instead of now.', schema: { type: 'string', format: 'date-time' } },
      ],
      responses: {
        '200': { description: 'Now and next per schedule', content: out(OnCallNowSchema) },
        '400': INVALID,
        '404': errorResponse('schedule_not_found'),
      },
    },
  },
  '/v1/ops/oncall/schedules': {
    get: { operationId: 'listOnCallSchedules', 'x-sdk': false, summary: 'On-call schedules', responses: { '200': { description: 'The schedules', content: out(ScheduleListSchema) } } },
    post: {
      operationId: 'createOnCallSchedule',
      'x-sdk': false,
      summary: 'Create an on-call schedule: layers of daily/weekly rotations in an IANA time zone (admin)',
      requestBody: body(OnCallScheduleSpecSchema),
      responses: { '201': { description: 'Created', content: out(OnCallScheduleJsonSchema) }, '400': INVALID, '403': ADMIN, '409': TAKEN },
    },
  },
  '/v1/ops/oncall/schedules/{id}': {
    get: { operationId: 'getOnCallSchedule', 'x-sdk': false, summary: 'One schedule', parameters: [schedule], responses: { '200': { description: 'The schedule', content: out(OnCallScheduleJsonSchema) }, '404': errorResponse('schedule_not_found') } },
    put: {
      operationId: 'updateOnCallSchedule',
      'x-sdk': false,
      summary: 'Replace a schedule (admin)',
      parameters: [schedule],
      requestBody: body(OnCallScheduleSpecSchema),
      responses: { '200': { description: 'Replaced', content: out(OnCallScheduleJsonSchema) }, '400': INVALID, '403': ADMIN, '404': errorResponse('schedule_not_found'), '409': TAKEN },
    },
    delete: {
      operationId: 'deleteOnCallSchedule',
      'x-sdk': false,
      summary: 'Delete a schedule and its overrides (admin)',
      parameters: [schedule],
      responses: { '200': { description: 'Deleted', content: out(DeletedSchema) }, '403': ADMIN, '404': errorResponse('schedule_not_found') },
    },
  },
  '/v1/ops/oncall/schedules/{id}/overrides': {
    get: {
      operationId: 'listOnCallOverrides',
      'x-sdk': false,
      summary: "A schedule's current and future overrides",
      parameters: [schedule],
      responses: { '200': { description: 'Overrides not yet ended', content: out(OverrideListSchema) }, '404': errorResponse('schedule_not_found') },
    },
    post: {
      operationId: 'createOnCallOverride',
      'x-sdk': false,
      summary: 'Put someone on call for a time window, over the rotation (admin)',
      parameters: [schedule],
      requestBody: body(OnCallOverrideSpecSchema),
      responses: { '201': { description: 'Created', content: out(OnCallOverrideJsonSchema) }, '400': INVALID, '403': ADMIN, '404': errorResponse('schedule_not_found') },
    },
  },
  '/v1/ops/oncall/schedules/{id}/overrides/{override_id}': {
    delete: {
      operationId: 'deleteOnCallOverride',
      'x-sdk': false,
      summary: 'Remove an override (admin)',
      parameters: [schedule, pathParam('override_id', OVERRIDE_ID, 'An override id (ovr_...)')],
      responses: { '200': { description: 'Deleted', content: out(DeletedSchema) }, '403': ADMIN, '404': errorResponse('schedule_not_found or override_not_found') },
    },
  },
  '/v1/ops/oncall/escalation-policies': {
    get: { operationId: 'listEscalationPolicies', 'x-sdk': false, summary: 'Escalation policies', responses: { '200': { description: 'The policies', content: out(PolicyListSchema) } } },
    post: {
      operationId: 'createEscalationPolicy',
      'x-sdk': false,
      summary: 'Create an escalation policy: levels of users/schedules with time-outs (admin)',
      requestBody: body(EscalationPolicySpecSchema),
      responses: { '201': { description: 'Created', content: out(EscalationPolicyJsonSchema) }, '400': INVALID, '403': ADMIN, '409': TAKEN },
    },
  },
  '/v1/ops/oncall/escalation-policies/{id}': {
    get: { operationId: 'getEscalationPolicy', 'x-sdk': false, summary: 'One escalation policy', parameters: [policy], responses: { '200': { description: 'The policy', content: out(EscalationPolicyJsonSchema) }, '404': errorResponse('escalation_policy_not_found') } },
    put: {
      operationId: 'updateEscalationPolicy',
      'x-sdk': false,
      summary: 'Replace an escalation policy (admin)',
      parameters: [policy],
      requestBody: body(EscalationPolicySpecSchema),
      responses: { '200': { description: 'Replaced', content: out(EscalationPolicyJsonSchema) }, '400': INVALID, '403': ADMIN, '404': errorResponse('escalation_policy_not_found'), '409': TAKEN },
    },
    delete: {
      operationId: 'deleteEscalationPolicy',
      'x-sdk': false,
      summary: 'Delete an escalation policy (admin)',
      parameters: [policy],
      responses: { '200': { description: 'Deleted', content: out(DeletedSchema) }, '403': ADMIN, '404': errorResponse('escalation_policy_not_found') },
    },
  },
};
