// The shapes of on-call, written once with zod: the API validates with them, the store keeps
// them, the schedule maths and the rotation workflow read them. Pure (zod only).
import { z } from 'zod';
import { isTimeZone } from './time-zone.ts';

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM (24 h)');
const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
/** Who is paged: an e-mail or handle; PagerDuty user ids map from it at sync time. */
export const UserRef = z.string().trim().min(1).max(200);
const Instant = z.string().datetime({ offset: true }).describe('An instant, ISO 8601 with an offset or Z.');

export const OnCallLayerSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    rotation: z.enum(['daily', 'weekly']).describe('A new person every day, or every week, at handoff_time.'),
    handoff_time: Clock.describe("Local time of the handoff, in the schedule's time zone."),
    start_date: DateText.describe('The first handoff day (a weekly rotation hands off on this weekday). users[0] is on call from then.'),
    users: z.array(UserRef).min(1).max(100),
    restriction: z
      .object({ start: Clock, end: Clock })
      .strict()
      .refine((r) => r.start !== r.end, 'start and end must differ')
      .optional()
      .describe('On call only between these local times each day (may wrap past midnight), e.g. business hours.'),
  })
  .strict();
export type OnCallLayer = z.infer<typeof OnCallLayerSchema>;

export const OnCallScheduleSpecSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    time_zone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Paris'),
    layers: z.array(OnCallLayerSchema).min(1).max(10).describe('Later layers win over earlier ones where they are active.'),
    pagerduty_schedule_id: z.string().trim().min(1).max(64).optional().describe('A PagerDuty schedule the rotation syncs its handoffs to (as overrides).'),
    pagerduty_user_ids: z
      .record(UserRef, z.string().trim().min(1).max(64))
      .optional()
      .describe('PagerDuty user id of each user, for the sync (a user without one is sent as is).'),
  })
  .strict();
export type OnCallScheduleSpec = z.infer<typeof OnCallScheduleSpecSchema>;

export const OnCallOverrideSpecSchema = z
  .object({ user: UserRef, start: Instant, end: Instant })
  .strict()
  .refine((o) => Date.parse(o.end) > Date.parse(o.start), { message: 'end must be after start', path: ['end'] });
export type OnCallOverrideSpec = z.infer<typeof OnCallOverrideSpecSchema>;

export const EscalationTargetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), id: UserRef }).strict(),
  z.object({ type: z.literal('schedule'), id: z.string().min(1).max(64) }).strict(),
]);

export const EscalationPolicySpecSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    levels: z
      .array(z.object({ targets: z.array(EscalationTargetSchema).min(1).max(10), timeout_minutes: z.number().int().min(1).max(1440).describe('Minutes without acknowledgement before the next level is paged.') }).strict())
      .min(1)
      .max(10),
    repeat: z.number().int().min(0).max(9).default(0).describe('Times the whole policy repeats after its last level.'),
  })
  .strict();
export type EscalationPolicySpec = z.infer<typeof EscalationPolicySpecSchema>;

/** An override as the maths needs it (instants in epoch ms; later-created wins). */
export interface OverrideWindow {
  readonly user: string;
  readonly start: number;
  readonly end: number;
  readonly createdAt: number;
}
