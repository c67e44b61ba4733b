import type { Env } from '../platform/config.ts';
import type { Pool } from '../platform/db/pool.ts';

export interface CircuitBreakerPolicy {
  /** Consecutive retryable failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker skips the model before one probe is let through. */
  openMs: number;
  /** A probe that never reported (its worker died) is given up after this long. */
  probeTimeoutMs: number;
}

export const DEFAULT_BREAKER_POLICY: CircuitBreakerPolicy = { failureThreshold: 5, openMs: 30_000, probeTimeoutMs: 60_000 };

/** `call`: go ahead; `probe`: go ahead as the one trial call; `skip`: the breaker is open. */
/** The breaker policy from configuration. */
export function breakerPolicyFrom(env: Pick<Env, 'BREAKER_FAILURE_THRESHOLD' | 'BREAKER_OPEN_MS'>): CircuitBreakerPolicy {
  return { ...DEFAULT_BREAKER_POLICY, failureThreshold: env.BREAKER_FAILURE_THRESHOLD, openMs: env.BREAKER_OPEN_MS };
}

export type BreakerVerdict = 'call' | 'probe' | 'skip';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerStatus {
  modelId: string;
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: Date | null;
}

/**
 * Breaker state lives in Postgres so every worker shares it; the transitions are single
 * statements, so two workers can never both claim the probe.
 */
export function createCircuitBreakerStore(pool: Pool, policy: CircuitBreakerPolicy = DEFAULT_BREAKER_POLICY) {
  return {
    policy,

    async verdict(modelId: string): Promise<BreakerVerdict> {
      return (await this.check(modelId)).verdict;
    },

    /** The verdict, and the failures counted so far (a success only needs to write when > 0). */
    async check(modelId: string): Promise<{ verdict: BreakerVerdict; failures: number }> {
      const { rows } = await pool.query<{ state: BreakerState; consecutive_failures: number }>(
        'SELECT state, consecutive_failures FROM model_circuit_breakers WHERE model_id = $1',
        [modelId],
      );
      const state = rows[0]?.state ?? 'closed';
      const failures = rows[0]?.consecutive_failures ?? 0;
      if (state === 'closed') return { verdict: 'call', failures };
      // Open long enough, or a probe that went silent: claim the (single) probe.
      const claimed = await pool.query(
        `UPDATE model_circuit_breakers SET state = 'half_open', probe_started_at = now(), updated_at = now()
         WHERE model_id = $1 AND (
           (state = 'open' AND opened_at <= now() - make_interval(secs => $2::double precision / 1000)) OR
           (state = 'half_open' AND probe_started_at <= now() - make_interval(secs => $3::double precision / 1000)))`,
        [modelId, policy.openMs, policy.probeTimeoutMs],
      );
      return { verdict: claimed.rowCount ? 'probe' : 'skip', failures };
    },

    async reportFailure(modelId: string): Promise<BreakerState> {
      const { rows } = await pool.query<{ state: BreakerState }>(
        `INSERT INTO model_circuit_breakers AS b (model_id, state, consecutive_failures, opened_at)
         VALUES ($1, CASE WHEN $2::int <= 1 THEN 'open' ELSE 'closed' END, 1, CASE WHEN $2::int <= 1 THEN now() END)
         ON CONFLICT (model_id) DO UPDATE SET
           consecutive_failures = b.consecutive_failures + 1,
           state = CASE WHEN b.state = 'half_open' OR b.consecutive_failures + 1 >= $2 THEN 'open' ELSE b.state END,
           opened_at = CASE WHEN b.state = 'half_open' OR (b.state = 'closed' AND b.consecutive_failures + 1 >= $2) THEN now() ELSE b.opened_at END,
           updated_at = now()
         RETURNING state`,
        [modelId, policy.failureThreshold],
      );
      return rows[0]!.state;
    },

    /** Closes the breaker; writes only when there is something to reset. */
    async reportSuccess(modelId: string): Promise<void> {
      await pool.query(
        `UPDATE model_circuit_breakers SET state = 'closed', consecutive_failures = 0, opened_at = NULL, probe_started_at = NULL, updated_at = now()
         WHERE model_id = $1 AND (state <> 'closed' OR consecutive_failures > 0)`,
        [modelId],
      );
    },

    /**
     * Models a call would be skipped for right now: open and not yet due for a probe, or with a
     * probe in flight. (Due for a probe: not listed, so the next call claims it.)
     */
    async openModels(): Promise<string[]> {
      const { rows } = await pool.query<{ model_id: string }>(
        `SELECT model_id FROM model_circuit_breakers
          WHERE (state = 'open' AND opened_at > now() - make_interval(secs => $1::double precision / 1000))
             OR (state = 'half_open' AND probe_started_at > now() - make_interval(secs => $2::double precision / 1000))`,
        [policy.openMs, policy.probeTimeoutMs],
      );
      return rows.map((r) => r.model_id);
    },

    async list(): Promise<BreakerStatus[]> {
      const { rows } = await pool.query<{ model_id: string; state: BreakerState; consecutive_failures: number; opened_at: Date | null }>(
        'SELECT model_id, state, consecutive_failures, opened_at FROM model_circuit_breakers ORDER BY model_id',
      );
      return rows.map((r) => ({ modelId: r.model_id, state: r.state, consecutiveFailures: r.consecutive_failures, openedAt: r.opened_at }));
    },
  };
}

export type CircuitBreakerStore = ReturnType<typeof createCircuitBreakerStore>;
