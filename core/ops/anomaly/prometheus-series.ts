// Series from a Prometheus server's query API (query_range), for the PromQL expressions the
// operator lists in ANOMALY_PROMQL. The request goes through platform/outbound like every
// server-side fetch; PROMETHEUS_URL's host is operator config, so that one host:port is added
// to the allowed hosts (a loopback or intranet Prometheus), and nothing else.
import { z } from 'zod';
import type { Env } from '../../../platform/config.ts';
import { createOutboundClient, type OutboundClient } from '../../../platform/outbound/outbound-client.ts';
import { outboundPolicyFrom, parseAllowedHost } from '../../../platform/outbound/outbound-policy.ts';
import type { MetricSeries } from './anomaly-types.ts';
import { seriesKey } from './anomaly-scan.ts';

const QueryRangeSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })),
  }),
});

export interface PrometheusSeriesOptions {
  readonly baseUrl: string;
  readonly queries: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly stepMs: number;
}

export async function prometheusSeries(outbound: OutboundClient, options: PrometheusSeriesOptions): Promise<MetricSeries[]> {
  const out: MetricSeries[] = [];
  for (const query of options.queries) {
    const url = new URL('api/v1/query_range', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    url.searchParams.set('query', query);
    url.searchParams.set('start', String(options.from / 1000));
    url.searchParams.set('end', String(options.to / 1000));
    url.searchParams.set('step', `${Math.max(1, Math.round(options.stepMs / 1000))}s`);
    const res = await outbound.fetch(url);
    if (res.status !== 200) throw new Error(`Prometheus answered ${res.status} to ${query}`);
    const parsed = QueryRangeSchema.parse(JSON.parse(res.body.toString('utf8')));
    for (const r of parsed.data.result) {
      const { __name__: name, ...labels } = r.metric;
      const metric = name ?? query;
      const points = r.values.map(([t, v]) => [t * 1000, Number(v)] as const).filter(([, v]) => Number.isFinite(v));
      out.push({ key: seriesKey(metric, labels), metric, labels, timestamps: points.map((p) => p[0]), values: points.map((p) => p[1]) });
    }
  }
  return out;
}

export interface PrometheusSource {
  readonly outbound: OutboundClient;
  readonly baseUrl: string;
  readonly queries: readonly string[];
}

/**
 * PROMETHEUS_URL's query API for the expressions of ANOMALY_PROMQL: the environment's outbound
 * policy plus that one operator-named host:port (as GET /v1/ops/slos does), nothing else newly
 * reachable. Undefined when either is unset.
 */
export function prometheusSourceFromEnv(env: Env): PrometheusSource | undefined {
  if (!env.PROMETHEUS_URL || env.ANOMALY_PROMQL.length === 0) return undefined;
  const url = new URL(env.PROMETHEUS_URL);
  const allowed = parseAllowedHost(url.port ? `${url.hostname}:${url.port}` : url.hostname);
  const policy = outboundPolicyFrom(env, { allowHosts: [...env.OUTBOUND_ALLOW_HOSTS, ...(allowed ? [allowed] : [])], maxRedirects: 0 });
  return { outbound: createOutboundClient(policy), baseUrl: env.PROMETHEUS_URL, queries: env.ANOMALY_PROMQL };
}
