import { ApplicationFailure } from '@temporalio/common';
import type { OnCallStore } from '../../stores/oncall.ts';
import { handoffsBetween, nextHandoff } from '../../core/ops/oncall/schedule-math.ts';
import { PagerDutyRejected, type PagerDuty, type PageRequest } from '../../core/ops/oncall/pagerduty.ts';
import type { AnnouncedHandoff, RotationInput } from '../../core/ops/oncall/rotation-types.ts';

export interface OnCallActivitiesDeps {
  store: OnCallStore;
  pagerDuty: PagerDuty;
}

/** A request PagerDuty refused (bad key, bad payload) fails at once; outages retry. */
function permanent(err: unknown): never {
  if (err instanceof PagerDutyRejected) throw ApplicationFailure.create({ type: 'pagerduty_rejected', message: err.message, nonRetryable: true });
  throw err;
}

/**
 * The side effects of on-call: the rotation's handoffs (recorded once, announced as PagerDuty
 * change events, synced to the PagerDuty schedule as overrides) and pages for alerts. Secrets
 * (routing key, API token) stay in the worker; workflow histories see ids and names only.
 */
export function createOnCallActivities(deps: OnCallActivitiesDeps) {
  const { store, pagerDuty } = deps;
  return {
    async rotateOnCall(input: RotationInput): Promise<AnnouncedHandoff[]> {
      if (!(input.lookbackMs > 0 && input.lookbackMs <= 7 * 86_400_000)) {
        throw ApplicationFailure.create({ type: 'invalid_data', message: `lookbackMs must be in (0, 7 days], got ${input.lookbackMs}`, nonRetryable: true });
      }
      const announced: AnnouncedHandoff[] = [];
      const from = input.now - input.lookbackMs;
      for (const schedule of await store.listAllSchedules()) {
        const overrides = await store.listOverrides(schedule.tenantId, schedule.id, new Date(from - 7 * 86_400_000));
        for (const h of handoffsBetween(schedule.spec, overrides, from, input.now + 1)) {
          // Each handoff once, whatever the retries and overlapping runs.
          if (await store.handoffRecorded(schedule.tenantId, schedule.id, h.at)) continue;
          let pagerduty: string | null = null;
          try {
            if (pagerDuty.eventsConfigured) {
              await pagerDuty.changeEvent(`On-call handoff on ${schedule.spec.name}: ${h.from.user ?? 'nobody'} → ${h.to.user ?? 'nobody'}`, {
                schedule: schedule.spec.name,
                from: h.from.user ?? '',
                to: h.to.user ?? '',
                at: new Date(h.at).toISOString(),
              });
              pagerduty = 'change_event';
            }
            const pdSchedule = schedule.spec.pagerduty_schedule_id;
            if (pdSchedule && pagerDuty.apiConfigured && h.to.user) {
              const end = nextHandoff(schedule.spec, overrides, h.at)?.at ?? h.at + 86_400_000;
              const userId = schedule.spec.pagerduty_user_ids?.[h.to.user] ?? h.to.user;
              const created = await pagerDuty.createOverride(pdSchedule, { start: new Date(h.at).toISOString(), end: new Date(end).toISOString(), userId });
              pagerduty = `override:${created.id}`;
            }
          } catch (err) {
            permanent(err);
          }
          if (await store.recordHandoff(schedule.tenantId, { scheduleId: schedule.id, at: h.at, from: h.from.user, to: h.to.user, pagerduty })) {
            announced.push({ tenantId: schedule.tenantId, scheduleId: schedule.id, schedule: schedule.spec.name, at: new Date(h.at).toISOString(), from: h.from.user, to: h.to.user, pagerduty });
          }
        }
      }
      return announced;
    },

    /** Pages (or acknowledges, resolves) through PagerDuty: the alert workflow's hook. */
    async pageOnCall(request: PageRequest): Promise<{ dedupKey: string; sent: boolean }> {
      if (!pagerDuty.eventsConfigured) return { dedupKey: request.dedupKey, sent: false };
      try {
        return { ...(await pagerDuty.page(request)), sent: true };
      } catch (err) {
        permanent(err);
      }
    },
  };
}

export type OnCallActivities = ReturnType<typeof createOnCallActivities>;
