// Who is on call at an instant, and when that next changes. Pure and deterministic (the rotation
// workflow imports it): rotations are counted in calendar days in the schedule's own time zone, so
// a 09:00 handoff stays at 09:00 local across DST changes (that day's shift is 23 or 25 hours).
import type { OnCallLayer, OnCallScheduleSpec, OverrideWindow } from './oncall-types.ts';
import { addDays, daysBetween, localParts, localToInstant, parseClock, parseDate, type LocalDate } from './time-zone.ts';

export interface OnCallAnswer {
  /** Who is on call, or null when no layer covers the instant. */
  readonly user: string | null;
  /** The layer they are on call from, or `override`. */
  readonly source: string | null;
}

const ROTATION_DAYS = { daily: 1, weekly: 7 } as const;

function handoffInstant(layer: OnCallLayer, day: LocalDate, timeZone: string): number {
  return localToInstant({ ...day, ...parseClock(layer.handoff_time) }, timeZone);
}

/** The shift of a layer containing `at`: its index (negative before the layer starts) and bounds. */
function shiftAt(layer: OnCallLayer, timeZone: string, at: number): { index: number; start: number; end: number } {
  const length = ROTATION_DAYS[layer.rotation];
  const anchor = parseDate(layer.start_date);
  const today = localParts(at, timeZone);
  let k = Math.floor(daysBetween(anchor, today) / length);
  if (handoffInstant(layer, addDays(anchor, k * length), timeZone) > at) k--;
  // The instant-based check above can be off by one around a DST gap at the handoff time.
  while (handoffInstant(layer, addDays(anchor, (k + 1) * length), timeZone) <= at) k++;
  return {
    index: k,
    start: handoffInstant(layer, addDays(anchor, k * length), timeZone),
    end: handoffInstant(layer, addDays(anchor, (k + 1) * length), timeZone),
  };
}

function clockMinutes(text: string): number {
  const { hour, minute } = parseClock(text);
  return hour * 60 + minute;
}

function insideRestriction(layer: OnCallLayer, timeZone: string, at: number): boolean {
  if (!layer.restriction) return true;
  const p = localParts(at, timeZone);
  const now = p.hour * 60 + p.minute;
  const start = clockMinutes(layer.restriction.start);
  const end = clockMinutes(layer.restriction.end);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

function layerUser(layer: OnCallLayer, timeZone: string, at: number): string | null {
  const { index } = shiftAt(layer, timeZone, at);
  if (index < 0 || !insideRestriction(layer, timeZone, at)) return null;
  return layer.users[index % layer.users.length]!;
}

/** Overrides first (the most recently created active one), then the last layer active at `at`. */
export function whoIsOnCall(schedule: OnCallScheduleSpec, overrides: readonly OverrideWindow[], at: number): OnCallAnswer {
  let override: OverrideWindow | undefined;
  for (const o of overrides) if (o.start <= at && at < o.end && (!override || o.createdAt >= override.createdAt)) override = o;
  if (override) return { user: override.user, source: 'override' };
  for (let i = schedule.layers.length - 1; i >= 0; i--) {
    const layer = schedule.layers[i]!;
    const user = layerUser(layer, schedule.time_zone, at);
    if (user !== null) return { user, source: layer.name };
  }
  return { user: null, source: null };
}

/** Every instant after `at` where the answer may change: handoffs, restriction edges, overrides. */
function boundariesAfter(schedule: OnCallScheduleSpec, overrides: readonly OverrideWindow[], at: number): number[] {
  const out: number[] = [];
  const tz = schedule.time_zone;
  const today = localParts(at, tz);
  for (const layer of schedule.layers) {
    const shift = shiftAt(layer, tz, at);
    out.push(shift.index < 0 ? handoffInstant(layer, parseDate(layer.start_date), tz) : shift.end);
    if (layer.restriction) {
      for (const edge of [layer.restriction.start, layer.restriction.end]) {
        for (const d of [0, 1]) out.push(localToInstant({ ...addDays(today, d), ...parseClock(edge) }, tz));
      }
    }
  }
  for (const o of overrides) out.push(o.start, o.end);
  return out.filter((t) => t > at).sort((a, b) => a - b);
}

export interface Handoff {
  readonly at: number;
  readonly from: OnCallAnswer;
  readonly to: OnCallAnswer;
}

/**
 * The next instant the person on call changes, within `horizonMs` (default 60 days), or null.
 * Boundaries where nothing changes (a one-person rotation's handoff) are stepped over.
 */
export function nextHandoff(schedule: OnCallScheduleSpec, overrides: readonly OverrideWindow[], at: number, horizonMs = 60 * 86_400_000): Handoff | null {
  const from = whoIsOnCall(schedule, overrides, at);
  let t = at;
  for (let guard = 0; guard < 10_000; guard++) {
    const next = boundariesAfter(schedule, overrides, t)[0];
    if (next === undefined || next > at + horizonMs) return null;
    const to = whoIsOnCall(schedule, overrides, next);
    if (to.user !== from.user) return { at: next, from, to };
    t = next;
  }
  return null;
}

/** Every handoff in [from, to): what the rotation workflow posts and syncs. */
export function handoffsBetween(schedule: OnCallScheduleSpec, overrides: readonly OverrideWindow[], from: number, to: number): Handoff[] {
  const out: Handoff[] = [];
  let t = from;
  for (;;) {
    const h = nextHandoff(schedule, overrides, t, to - t);
    if (!h || h.at >= to) return out;
    out.push(h);
    t = h.at;
  }
}
