import { APIError } from '../errors.js';
import type { RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';

export interface HealthStatus {
  status: 'ok';
}

export interface ReadinessStatus {
  status: 'ready' | 'not_ready';
  checks: Array<{ name: string; ok: boolean; error?: string }>;
}

function isReadiness(body: unknown): body is ReadinessStatus {
  return typeof body === 'object' && body !== null && (body as ReadinessStatus).status === 'not_ready' && Array.isArray((body as ReadinessStatus).checks);
}

/** The unauthenticated endpoints outside /v1: liveness, readiness, metrics, the OpenAPI document. */
export class System extends APIResource {
  /** Liveness: the API process answers. */
  health(options?: RequestOptions): Promise<HealthStatus> {
    return this.http.request({ method: 'GET', path: '/healthz', options });
  }

  /**
   * Readiness: Postgres and Temporal reachable. A 503 is an answer here, not an error: it
   * resolves with `status: 'not_ready'` and the failing checks (and is not retried by default).
   */
  async ready(options?: RequestOptions): Promise<ReadinessStatus> {
    try {
      return await this.http.request<ReadinessStatus>({ method: 'GET', path: '/readyz', options: { maxRetries: 0, ...options } });
    } catch (err) {
      if (err instanceof APIError && err.status === 503 && isReadiness(err.body)) return err.body;
      throw err;
    }
  }

  /** Prometheus metrics in the text exposition format. */
  metrics(options?: RequestOptions): Promise<string> {
    return this.http.request({ method: 'GET', path: '/metrics', options: { ...options, headers: { accept: 'text/plain', ...options?.headers } } });
  }

  /** The OpenAPI 3.1 document this SDK mirrors. */
  openapi(options?: RequestOptions): Promise<Record<string, unknown>> {
    return this.http.request({ method: 'GET', path: '/openapi.json', options });
  }
}
