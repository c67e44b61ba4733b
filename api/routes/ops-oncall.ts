import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  EscalationPolicySpecSchema,
  OnCallOverrideSpecSchema,
  OnCallScheduleSpecSchema,
  type OnCallScheduleSpec,
} from '../../core/ops/oncall/oncall-types.ts';
import { nextHandoff, whoIsOnCall } from '../../core/ops/oncall/schedule-math.ts';
import { DuplicateNameError, type EscalationPolicy, type OnCallOverride, type OnCallSchedule, type OnCallStore } from '../../stores/oncall.ts';
import { ApiError, notFound } from '../api-error.ts';
import { principalOf, requireAdmin } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';

export const SCHEDULE_ID = /^sch_[0-9a-z]{1,40}$/;
export const OVERRIDE_ID = /^ovr_[0-9a-z]{1,40}$/;
export const POLICY_ID = /^esc_[0-9a-z]{1,40}$/;

// Response shapes, the single source for the OpenAPI document (api/openapi-oncall.ts).
export const OnCallScheduleJsonSchema = OnCallScheduleSpecSchema.safeExtend({
  object: z.literal('oncall_schedule'),
  id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const OnCallOverrideJsonSchema = z.object({
  object: z.literal('oncall_override'),
  id: z.string(),
  schedule_id: z.string(),
  user: z.string(),
  start: z.string(),
  end: z.string(),
  created_at: z.string(),
  created_by: z.string().nullable().describe('The API key that created it.'),
});
export const EscalationPolicyJsonSchema = EscalationPolicySpecSchema.safeExtend({
  object: z.literal('escalation_policy'),
  id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
const Slot = z.object({ user: z.string().nullable(), source: z.string().nullable().describe('The layer, or `override`; null when nobody is on call.') });
export const OnCallNowSchema = z.object({
  object: z.literal('list'),
  at: z.string().describe('The instant asked about (now unless `at` was given).'),
  data: z.array(
    z.object({
      schedule_id: z.string(),
      schedule_name: z.string(),
      time_zone: z.string(),
      now: Slot,
      next: Slot.extend({ at: z.string() }).nullable().describe('The next change of person within 60 days, or null.'),
    }),
  ),
});
export const ScheduleListSchema = z.object({ object: z.literal('list'), data: z.array(OnCallScheduleJsonSchema) });
export const OverrideListSchema = z.object({ object: z.literal('list'), data: z.array(OnCallOverrideJsonSchema) });
export const PolicyListSchema = z.object({ object: z.literal('list'), data: z.array(EscalationPolicyJsonSchema) });
export const DeletedSchema = z.object({ object: z.string(), id: z.string(), deleted: z.literal(true) });

export const OnCallQuerySchema = z
  .object({
    schedule_id: z.string().regex(SCHEDULE_ID, 'a schedule id (sch_...)').optional(),
    at: z.string().datetime({ offset: true }).optional().describe('Answer for this instant instead of now.'),
  })
  .strict();

const scheduleJson = (s: OnCallSchedule) => ({ object: 'oncall_schedule' as const, id: s.id, ...s.spec, created_at: s.createdAt.toISOString(), updated_at: s.updatedAt.toISOString() });
const overrideJson = (o: OnCallOverride) => ({
  object: 'oncall_override' as const,
  id: o.id,
  schedule_id: o.scheduleId,
  user: o.user,
  start: new Date(o.start).toISOString(),
  end: new Date(o.end).toISOString(),
  created_at: new Date(o.createdAt).toISOString(),
  created_by: o.createdBy,
});
const policyJson = (p: EscalationPolicy) => ({ object: 'escalation_policy' as const, id: p.id, ...p.spec, created_at: p.createdAt.toISOString(), updated_at: p.updatedAt.toISOString() });

function idParam(req: Request, name: string, pattern: RegExp, what: string): string {
  const value = String(req.params[name]);
  // An id that cannot exist is simply not found (like a deleted one), never a 500.
  if (!pattern.test(value)) throw notFound(`${what}_not_found`, `No ${what.replace('_', ' ')} "${value.slice(0, 80)}".`);
  return value;
}

function conflict(err: unknown): never {
  if (err instanceof DuplicateNameError) throw new ApiError(409, 'invalid_request_error', 'name_taken', `${err.message}.`);
  throw err;
}

export interface OnCallRouteDeps {
  store: OnCallStore;
}

/**
 * On-call: who is on call now and next (any key of the tenant), and the schedules, overrides and
 * escalation policies behind it (admin keys write). Tenant from the API key, never the body.
 */
export function opsOnCallRouter(deps: OnCallRouteDeps): Router {
  const { store } = deps;
  const router = Router();

  router.get('/v1/ops/oncall', async (req, res) => {
    const query = parseInput(OnCallQuerySchema, req.query, 'query');
    const tenantId = principalOf(req).tenantId;
    const at = query.at ? Date.parse(query.at) : Date.now();
    let schedules = await store.listSchedules(tenantId);
    if (query.schedule_id) {
      schedules = schedules.filter((s) => s.id === query.schedule_id);
      if (schedules.length === 0) throw notFound('schedule_not_found', `No schedule "${query.schedule_id}".`);
    }
    const data = [];
    for (const s of schedules) {
      const overrides = await store.listOverrides(tenantId, s.id, new Date(at));
      const now = whoIsOnCall(s.spec, overrides, at);
      const next = nextHandoff(s.spec, overrides, at);
      data.push({ schedule_id: s.id, schedule_name: s.spec.name, time_zone: s.spec.time_zone, now, next: next && { at: new Date(next.at).toISOString(), ...next.to } });
    }
    res.json({ object: 'list', at: new Date(at).toISOString(), data });
  });

  router.get('/v1/ops/oncall/schedules', async (req, res) => {
    res.json({ object: 'list', data: (await store.listSchedules(principalOf(req).tenantId)).map(scheduleJson) });
  });
  router.post('/v1/ops/oncall/schedules', requireAdmin, async (req, res) => {
    const spec: OnCallScheduleSpec = parseInput(OnCallScheduleSpecSchema, req.body);
    res.status(201).json(scheduleJson(await store.createSchedule(principalOf(req).tenantId, spec).catch(conflict)));
  });
  router.get('/v1/ops/oncall/schedules/:id', async (req, res) => {
    const id = idParam(req, 'id', SCHEDULE_ID, 'schedule');
    const s = await store.getSchedule(principalOf(req).tenantId, id);
    if (!s) throw notFound('schedule_not_found', `No schedule "${id}".`);
    res.json(scheduleJson(s));
  });
  router.put('/v1/ops/oncall/schedules/:id', requireAdmin, async (req, res) => {
    const id = idParam(req, 'id', SCHEDULE_ID, 'schedule');
    const spec = parseInput(OnCallScheduleSpecSchema, req.body);
    const s = await store.updateSchedule(principalOf(req).tenantId, id, spec).catch(conflict);
    if (!s) throw notFound('schedule_not_found', `No schedule "${id}".`);
    res.json(scheduleJson(s));
  });
  router.delete('/v1/ops/oncall/schedules/:id', requireAdmin, async (req, res) => {
    const id = idParam(req, 'id', SCHEDULE_ID, 'schedule');
    if (!(await store.deleteSchedule(principalOf(req).tenantId, id))) throw notFound('schedule_not_found', `No schedule "${id}".`);
    res.json({ object: 'oncall_schedule', id, deleted: true });
  });

  router.get('/v1/ops/oncall/schedules/:id/overrides', async (req, res) => {
    const id = idParam(req, 'id', SCHEDULE_ID, 'schedule');
    const tenantId = principalOf(req).tenantId;
    if (!(await store.getSchedule(tenantId, id))) throw notFound('schedule_not_found', `No schedule "${id}".`);
    res.json({ object: 'list', data: (await store.listOverrides(tenantId, id, new Date())).map(overrideJson) });
  });
  router.post('/v1/ops/oncall/schedules/:id/overrides', requireAdmin, async (req, res) => {
    const id = idParam(req, 'id', SCHEDULE_ID, 'schedule');
    const spec = parseInput(OnCallOverrideSpecSchema, req.body);
    const principal = principalOf(req);
    if (!(await store.getSchedule(principal.tenantId, id))) throw notFound('schedule_not_found', `No schedule "${id}".`);
    res.status(201).json(overrideJson(await store.addOverride(principal.tenantId, id, spec, principal.keyId)));
  });
  router.delete('/v1/ops/oncall/schedules/:id/overrides/:override_id', requireAdmin, async (req, res) => {
    const id = idParam(req, 'id', SCHEDULE_ID, 'schedule');
    const overrideId = idParam(req, 'override_id', OVERRIDE_ID, 'override');
    if (!(await store.deleteOverride(principalOf(req).tenantId, id, overrideId))) throw notFound('override_not_found', `No override "${overrideId}".`);
    res.json({ object: 'oncall_override', id: overrideId, deleted: true });
  });

  async function checkTargets(tenantId: string, spec: z.infer<typeof EscalationPolicySpecSchema>): Promise<void> {
    for (const [i, level] of spec.levels.entries()) {
      for (const [j, target] of level.targets.entries()) {
        if (target.type === 'schedule' && (!SCHEDULE_ID.test(target.id) || !(await store.getSchedule(tenantId, target.id)))) {
          throw new ApiError(400, 'invalid_request_error', 'validation_failed', `levels.${i}.targets.${j}: no schedule "${target.id}" in this tenant.`, [
            { path: `levels.${i}.targets.${j}.id`, code: 'unknown_schedule', message: `no schedule "${target.id}"` },
          ]);
        }
      }
    }
  }

  router.get('/v1/ops/oncall/escalation-policies', async (req, res) => {
    res.json({ object: 'list', data: (await store.listPolicies(principalOf(req).tenantId)).map(policyJson) });
  });
  router.post('/v1/ops/oncall/escalation-policies', requireAdmin, async (req, res) => {
    const spec = parseInput(EscalationPolicySpecSchema, req.body);
    const tenantId = principalOf(req).tenantId;
    await checkTargets(tenantId, spec);
    res.status(201).json(policyJson(await store.createPolicy(tenantId, spec).catch(conflict)));
  });
  router.get('/v1/ops/oncall/escalation-policies/:id', async (req, res) => {
    const id = idParam(req, 'id', POLICY_ID, 'escalation_policy');
    const p = await store.getPolicy(principalOf(req).tenantId, id);
    if (!p) throw notFound('escalation_policy_not_found', `No escalation policy "${id}".`);
    res.json(policyJson(p));
  });
  router.put('/v1/ops/oncall/escalation-policies/:id', requireAdmin, async (req, res) => {
    const id = idParam(req, 'id', POLICY_ID, 'escalation_policy');
    const spec = parseInput(EscalationPolicySpecSchema, req.body);
    const tenantId = principalOf(req).tenantId;
    await checkTargets(tenantId, spec);
    const p = await store.updatePolicy(tenantId, id, spec).catch(conflict);
    if (!p) throw notFound('escalation_policy_not_found', `No escalation policy "${id}".`);
    res.json(policyJson(p));
  });
  router.delete('/v1/ops/oncall/escalation-policies/:id', requireAdmin, async (req, res) => {
    const id = idParam(req, 'id', POLICY_ID, 'escalation_policy');
    if (!(await store.deletePolicy(principalOf(req).tenantId, id))) throw notFound('escalation_policy_not_found', `No escalation policy "${id}".`);
    res.json({ object: 'escalation_policy', id, deleted: true });
  });

  return router;
}
