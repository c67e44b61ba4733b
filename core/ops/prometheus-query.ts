import type { Env } from '../../platform/config.ts';
import { createOutboundClient, type OutboundClient } from '../../platform/outbound/outbound-client.ts';
import { outboundPolicyFrom, parseAllowedHost } from '../../platform/outbound/outbound-policy.ts';

/** One sample of an instant vector. */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

export interface PrometheusQuery {
  readonly baseUrl: string;
  /** An instant query (GET /api/v1/query); only vector results are accepted. */
  instant(expr: string): Promise<PromSample[]>;
}

export class PrometheusQueryError extends Error {
  override readonly name = 'PrometheusQueryError';
}

/**
 * Prometheus's HTTP query API, through the outbound client (platform/outbound/): the URL is
 * operator configuration (PROMETHEUS_URL), so the caller builds the client with that one host
 * allowed, and every other protection (time limits, size cap, no redirects elsewhere) stays.
 */
export function createPrometheusQuery(baseUrl: string, outbound: OutboundClient): PrometheusQuery {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    baseUrl: root,
    async instant(expr) {
      const response = await outbound.fetch(`${root}/api/v1/query?query=${encodeURIComponent(expr)}`, { headers: { accept: 'application/json' } });
      let body: { status?: string; error?: string; data?: { resultType?: string; result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        throw new PrometheusQueryError(`Prometheus answered ${response.status} with a body that is not JSON`);
      }
      if (response.status !== 200 || body.status !== 'success') throw new PrometheusQueryError(`Prometheus answered ${response.status}: ${body.error ?? 'no error message'}`);
      if (body.data?.resultType !== 'vector') throw new PrometheusQueryError(`expected a vector from Prometheus, got ${body.data?.resultType}`);
      return (body.data.result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
  };
}

/**
 * The client for PROMETHEUS_URL: the outbound policy of the environment plus that one host:port,
 * which the operator named, so a loopback or intranet Prometheus is reachable and nothing else
 * newly is. Undefined when PROMETHEUS_URL is unset.
 */
export function prometheusQueryFromEnv(env: Env): PrometheusQuery | undefined {
  if (!env.PROMETHEUS_URL) return undefined;
  const url = new URL(env.PROMETHEUS_URL);
  const allowed = parseAllowedHost(url.port ? `${url.hostname}:${url.port}` : url.hostname);
  // Short limits: a status page must answer even when Prometheus does not.
  const policy = outboundPolicyFrom(env, {
    allowHosts: [...env.OUTBOUND_ALLOW_HOSTS, ...(allowed ? [allowed] : [])],
    connectTimeoutMs: 2_000,
    readTimeoutMs: 5_000,
    totalTimeoutMs: 8_000,
    maxRedirects: 0,
  });
  return createPrometheusQuery(env.PROMETHEUS_URL, createOutboundClient(policy));
}
