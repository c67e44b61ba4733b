/**
 * `somaagent oncall now|schedules|override`: who is on call (GET /v1/ops/oncall), the schedules,
 * and a temporary override (admin). On-call is an operator protocol (x-sdk: false in the API
 * document), so these go through the SDK's raw requests.
 */
import type { Command } from 'commander';
import { contextOf } from '../context.ts';
import { usageError } from '../exit-codes.ts';

interface Slot {
  user: string | null;
  source: string | null;
}
interface OnCallNow {
  at: string;
  data: Array<{ schedule_id: string; schedule_name: string; time_zone: string; now: Slot; next: (Slot & { at: string }) | null }>;
}
interface Schedule {
  id: string;
  name: string;
  time_zone: string;
  layers: Array<{ name: string; rotation: string; handoff_time: string; users: string[] }>;
}
interface Override {
  id: string;
  schedule_id: string;
  user: string;
  start: string;
  end: string;
}

const DURATION = /^(\d+)([mhd])$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--for 8h` → milliseconds; anything else is a usage error (exit 2), not a 400 from the API. */
export function durationMs(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw usageError(`--for must look like 90m, 8h or 2d, not "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function registerOnCall(program: Command): void {
  const oncall = program.command('oncall').description('on-call: who is on call now and next, schedules, overrides');

  oncall
    .command('now')
    .description('who is on call on each schedule now, and who is next and when')
    .option('--schedule <id>', 'only this schedule')
    .option('--at <instant>', 'answer for this ISO 8601 instant instead of now')
    .action(async (options: { schedule?: string; at?: string }, command: Command) => {
      const ctx = contextOf(command);
      const query: Record<string, string> = {};
      if (options.schedule) query.schedule_id = options.schedule;
      if (options.at) query.at = options.at;
      const body = await (await ctx.client()).get<OnCallNow>('/v1/ops/oncall', { query });
      ctx.out.result(body, (b) =>
        ctx.out.table(
          ['SCHEDULE', 'ON CALL', 'FROM', 'NEXT', 'AT'],
          b.data.map((s) => [`${s.schedule_name} (${s.schedule_id})`, s.now.user ?? '-', s.now.source ?? '-', s.next?.user ?? '-', s.next ? `${s.next.at} (${s.time_zone})` : '-']),
        ),
      );
    });

  oncall
    .command('schedules')
    .description("the tenant's on-call schedules")
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).get<{ data: Schedule[] }>('/v1/ops/oncall/schedules');
      ctx.out.result(body, (b) =>
        ctx.out.table(
          ['ID', 'NAME', 'TIME ZONE', 'LAYERS'],
          b.data.map((s) => [s.id, s.name, s.time_zone, s.layers.map((l) => `${l.name}: ${l.rotation} at ${l.handoff_time} (${l.users.join(', ')})`).join('; ')]),
        ),
      );
    });

  oncall
    .command('override')
    .description('put someone on call over the rotation for a while (admin)')
    .requiredOption('--schedule <id>', 'the schedule (sch_...)')
    .requiredOption('--user <user>', 'who takes over')
    .option('--start <instant>', 'ISO 8601 start (default: now)')
    .requiredOption('--for <duration>', 'how long: 90m, 8h, 2d')
    .action(async (options: { schedule: string; user: string; start?: string; for: string }, command: Command) => {
      const ctx = contextOf(command);
      const start = options.start ? Date.parse(options.start) : Date.now();
      if (Number.isNaN(start)) throw usageError(`--start must be an ISO 8601 instant, not "${options.start}"`);
      const body = { user: options.user, start: new Date(start).toISOString(), end: new Date(start + durationMs(options.for)).toISOString() };
      const created = await (await ctx.client()).post<Override>(`/v1/ops/oncall/schedules/${encodeURIComponent(options.schedule)}/overrides`, { body });
      ctx.out.result(created, (o) => ctx.out.line(`${o.user} is on call on ${o.schedule_id} from ${o.start} to ${o.end} (override ${o.id})`));
    });
}
