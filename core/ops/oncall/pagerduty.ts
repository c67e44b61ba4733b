// The platform's PagerDuty side, through @pagerduty/pdjs: alert pages as Events API v2 events,
// on-call handoffs as change events, and our rotation pushed to a PagerDuty schedule as
// overrides (REST API). pdjs does its own HTTPS (cross-fetch), so it does not go through
// platform/outbound: its hosts are operator configuration (events.pagerduty.com and
// api.pagerduty.com by default), never user input. A private CA (the local emulator's
// self-signed certificate) is trusted through an https.Agent, so TLS checks stay on.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { api, event } from '@pagerduty/pdjs';
import type { Env } from '../../../platform/config.ts';

export interface PagerDutyConfig {
  /** Events API v2 integration key (32 characters). A secret: never logged, never in histories. */
  routingKey?: string | undefined;
  /** REST API token, for schedule overrides. A secret. */
  apiToken?: string | undefined;
  eventsServer: string;
  apiServer: string;
  /** PEM of an extra CA to trust (a private or emulated PagerDuty). */
  ca?: string | undefined;
}

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PageRequest {
  action: 'trigger' | 'acknowledge' | 'resolve';
  /** Stable per incident (e.g. the alert group's workflow id), so repeats deduplicate. */
  dedupKey: string;
  summary: string;
  source: string;
  severity: PagerDutySeverity;
  details?: Record<string, string>;
}

/** PagerDuty refused the request itself (4xx other than 429): retrying cannot help. */
export class PagerDutyRejected extends Error {
  override readonly name = 'PagerDutyRejected';
}

export interface PagerDuty {
  readonly eventsConfigured: boolean;
  readonly apiConfigured: boolean;
  page(request: PageRequest): Promise<{ dedupKey: string }>;
  changeEvent(summary: string, details: Record<string, string>): Promise<void>;
  createOverride(scheduleId: string, override: { start: string; end: string; userId: string }): Promise<{ id: string }>;
}

function check(status: number, body: unknown, what: string): void {
  if (status >= 200 && status < 300) return;
  // Only the status and PagerDuty's own message: the request (with its key) is never echoed.
  const message = typeof body === 'object' && body !== null ? JSON.stringify(body).slice(0, 300) : String(status);
  if (status >= 400 && status < 500 && status !== 429) throw new PagerDutyRejected(`PagerDuty refused the ${what} (${status}): ${message}`);
  throw new Error(`PagerDuty answered ${status} to the ${what}`);
}

export function createPagerDuty(config: PagerDutyConfig): PagerDuty {
  // node-fetch (under pdjs) takes an `agent`; the DOM RequestInit type pdjs declares does not list it.
  const transport = (config.ca ? { agent: new Agent({ ca: config.ca }) } : {}) as Record<string, never>;
  const timeouts = { requestTimeout: 10_000, retryTimeout: 1_000 };
  return {
    eventsConfigured: Boolean(config.routingKey),
    apiConfigured: Boolean(config.apiToken),
    async page(request) {
      if (!config.routingKey) throw new PagerDutyRejected('PAGERDUTY_ROUTING_KEY is not set');
      const res = await event({
        server: config.eventsServer,
        ...transport,
        ...timeouts,
        data: {
          routing_key: config.routingKey,
          event_action: request.action,
          dedup_key: request.dedupKey,
          payload: { summary: request.summary.slice(0, 1024), source: request.source, severity: request.severity, custom_details: request.details ?? {} },
        },
      });
      check(res.status, res.data, `${request.action} event`);
      return { dedupKey: String((res.data as { dedup_key?: string }).dedup_key ?? request.dedupKey) };
    },
    async changeEvent(summary, details) {
      if (!config.routingKey) throw new PagerDutyRejected('PAGERDUTY_ROUTING_KEY is not set');
      const res = await event({
        server: config.eventsServer,
        type: 'change',
        ...transport,
        ...timeouts,
        // The change-event body differs from a trigger's; pdjs types only the latter for `event`.
        data: { routing_key: config.routingKey, payload: { summary: summary.slice(0, 1024), source: 'somaagent', timestamp: new Date().toISOString(), custom_details: details }, links: [] } as never,
      });
      check(res.status, res.data, 'change event');
    },
    async createOverride(scheduleId, override) {
      if (!config.apiToken) throw new PagerDutyRejected('PAGERDUTY_API_TOKEN is not set');
      const res = await api({
        server: config.apiServer,
        token: config.apiToken,
        endpoint: `/schedules/${encodeURIComponent(scheduleId)}/overrides`,
        method: 'POST',
        ...transport,
        ...timeouts,
        data: { overrides: [{ start: override.start, end: override.end, user: { id: override.userId, type: 'user_reference' } }] },
      });
      check(res.status, res.data, 'schedule override');
      const created = (res.data as { override?: { id: string } }[] | { override?: { id: string } })!;
      const first = Array.isArray(created) ? created[0]?.override : created.override;
      return { id: first?.id ?? '' };
    },
  };
}

export function pagerDutyFromEnv(env: Env): PagerDuty {
  return createPagerDuty({
    routingKey: env.PAGERDUTY_ROUTING_KEY,
    apiToken: env.PAGERDUTY_API_TOKEN,
    eventsServer: env.PAGERDUTY_EVENTS_SERVER,
    apiServer: env.PAGERDUTY_API_SERVER,
    ca: env.PAGERDUTY_CA_FILE ? readFileSync(env.PAGERDUTY_CA_FILE, 'utf8') : undefined,
  });
}
