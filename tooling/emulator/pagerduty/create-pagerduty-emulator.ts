// A local PagerDuty for development and tests, over TLS like the real one: the Events API v2
// (/v2/enqueue, /v2/change/enqueue) and the REST API parts the platform uses (schedule
// overrides, on-calls). State is in memory. A control API under /_emulator/ lets tests read
// what arrived and reset it. Shapes follow developer.pagerduty.com (Events v2, REST v2).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

const EventSchema = z.object({
  routing_key: z.string().length(32, 'routing_key must be 32 characters'),
  event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
  dedup_key: z.string().min(1).max(255).optional(),
  payload: z
    .object({
      summary: z.string().min(1).max(1024),
      source: z.string().min(1),
      severity: z.enum(['critical', 'error', 'warning', 'info']),
      timestamp: z.string().optional(),
      component: z.string().optional(),
      group: z.string().optional(),
      class: z.string().optional(),
      custom_details: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  client: z.string().optional(),
  client_url: z.string().optional(),
});
const ChangeEventSchema = z.object({
  routing_key: z.string().length(32, 'routing_key must be 32 characters'),
  payload: z.object({ summary: z.string().min(1).max(1024), source: z.string().optional(), timestamp: z.string().optional(), custom_details: z.record(z.string(), z.unknown()).optional() }),
  links: z.array(z.object({ href: z.string(), text: z.string().optional() })).optional(),
});
const OverridesBodySchema = z.object({
  overrides: z.array(z.object({ start: z.string().datetime({ offset: true }), end: z.string().datetime({ offset: true }), user: z.object({ id: z.string().min(1), type: z.literal('user_reference') }) })).min(1),
});

export type PagerDutyEvent = z.infer<typeof EventSchema> & { received_at: string; dedup_key: string };
export type PagerDutyChangeEvent = z.infer<typeof ChangeEventSchema> & { received_at: string };
export interface PagerDutyOverride {
  id: string;
  schedule_id: string;
  start: string;
  end: string;
  user: { id: string; type: 'user_reference' };
}
export interface PagerDutyIncident {
  dedup_key: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  summary: string;
  severity: string;
}

export interface PagerDutyEmulatorOptions {
  cert: string;
  key: string;
  port?: number;
  host?: string;
  /** REST API token; unset accepts any non-empty `Token token=` header. */
  apiToken?: string;
}

export interface PagerDutyEmulator {
  /** host:port — what @pagerduty/pdjs takes as `server`. */
  server: string;
  url: string;
  events: PagerDutyEvent[];
  changeEvents: PagerDutyChangeEvent[];
  overrides: PagerDutyOverride[];
  incidents: Map<string, PagerDutyIncident>;
  reset(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 512 * 1024) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

/** PagerDuty's Events v2 error shape. */
const invalidEvent = (errors: string[]) => ({ status: 'invalid event', message: 'Event object is invalid', errors });

export async function createPagerDutyEmulator(options: PagerDutyEmulatorOptions): Promise<PagerDutyEmulator> {
  const state = {
    events: [] as PagerDutyEvent[],
    changeEvents: [] as PagerDutyChangeEvent[],
    overrides: [] as PagerDutyOverride[],
    incidents: new Map<string, PagerDutyIncident>(),
  };

  function authorised(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^Token token=(.+)$/.exec(header);
    if (!m) return false;
    return options.apiToken === undefined || m[1] === options.apiToken;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://emulator');
    const path = url.pathname;
    if (req.method === 'POST' && path === '/v2/enqueue') {
      let body: unknown;
      try {
        body = await readJson(req);
      } catch {
        return send(res, 400, invalidEvent(['Invalid JSON']));
      }
      const parsed = EventSchema.safeParse(body);
      if (!parsed.success) return send(res, 400, invalidEvent(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)));
      const event = parsed.data;
      if (event.event_action === 'trigger' && !event.payload) return send(res, 400, invalidEvent(['payload is required for trigger']));
      if (event.event_action !== 'trigger' && !event.dedup_key) return send(res, 400, invalidEvent(['dedup_key is required for acknowledge and resolve']));
      const dedupKey = event.dedup_key ?? randomUUID().replace(/-/g, '');
      state.events.push({ ...event, dedup_key: dedupKey, received_at: new Date().toISOString() });
      const incident = state.incidents.get(dedupKey);
      if (event.event_action === 'trigger') {
        // A trigger for an open incident is deduplicated into it, as PagerDuty does.
        if (!incident || incident.status === 'resolved') state.incidents.set(dedupKey, { dedup_key: dedupKey, status: 'triggered', summary: event.payload!.summary, severity: event.payload!.severity });
      } else if (incident && incident.status !== 'resolved') {
        incident.status = event.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
      }
      return send(res, 202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
    }
    if (req.method === 'POST' && path === '/v2/change/enqueue') {
      const parsed = ChangeEventSchema.safeParse(await readJson(req).catch(() => undefined));
      if (!parsed.success) return send(res, 400, invalidEvent(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)));
      state.changeEvents.push({ ...parsed.data, received_at: new Date().toISOString() });
      return send(res, 202, { status: 'success', message: 'Change event processed' });
    }
    if (path.startsWith('/_emulator/')) {
      if (req.method === 'POST' && path === '/_emulator/reset') {
        reset();
        return send(res, 200, { reset: true });
      }
      if (req.method === 'GET' && path === '/_emulator/state') {
        return send(res, 200, { events: state.events, change_events: state.changeEvents, overrides: state.overrides, incidents: [...state.incidents.values()] });
      }
      return send(res, 404, { error: 'not found' });
    }
    // REST API v2.
    if (!authorised(req)) return send(res, 401, { error: { message: 'Unauthorized', code: 2006 } });
    const overridesPath = /^\/schedules\/([A-Za-z0-9_-]+)\/overrides$/.exec(path);
    if (overridesPath && req.method === 'POST') {
      const parsed = OverridesBodySchema.safeParse(await readJson(req).catch(() => undefined));
      if (!parsed.success) return send(res, 400, { error: { message: 'Invalid Input Provided', code: 2001, errors: parsed.error.issues.map((i) => i.message) } });
      const created = parsed.data.overrides.map((o) => {
        const override: PagerDutyOverride = { id: `P${randomUUID().slice(0, 6).toUpperCase()}`, schedule_id: overridesPath[1]!, start: o.start, end: o.end, user: o.user };
        state.overrides.push(override);
        return { status: 201, errors: [], override: { id: override.id, start: override.start, end: override.end, user: override.user } };
      });
      return send(res, 201, created);
    }
    if (overridesPath && req.method === 'GET') {
      const since = Date.parse(url.searchParams.get('since') ?? '1970-01-01T00:00:00Z');
      const until = Date.parse(url.searchParams.get('until') ?? '9999-01-01T00:00:00Z');
      const list = state.overrides.filter((o) => o.schedule_id === overridesPath[1] && Date.parse(o.end) > since && Date.parse(o.start) < until);
      return send(res, 200, { overrides: list, limit: 100, offset: 0, more: false, total: list.length });
    }
    if (path === '/oncalls' && req.method === 'GET') {
      // The emulator has no rotations of its own: who is on call is the override active now.
      const ids = url.searchParams.getAll('schedule_ids[]');
      const now = Date.now();
      const oncalls = state.overrides
        .filter((o) => (ids.length === 0 || ids.includes(o.schedule_id)) && Date.parse(o.start) <= now && now < Date.parse(o.end))
        .map((o) => ({ user: { id: o.user.id, type: 'user_reference' }, schedule: { id: o.schedule_id, type: 'schedule_reference' }, escalation_level: 1, start: o.start, end: o.end }));
      return send(res, 200, { oncalls, limit: 100, offset: 0, more: false });
    }
    return send(res, 404, { error: { message: 'Not Found', code: 2100 } });
  }

  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: { message: 'emulator error' } }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  function reset(): void {
    state.events.length = 0;
    state.changeEvents.length = 0;
    state.overrides.length = 0;
    state.incidents.clear();
  }

  return {
    server: `${host}:${port}`,
    url: `https://${host}:${port}`,
    ...state,
    reset,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
