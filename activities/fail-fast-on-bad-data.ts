/**
 * A worker interceptor around every activity (and local activity): a Postgres error that says the
 * data itself is bad becomes a non-retryable `invalid_data` failure, so the step fails at once with
 * a clear message instead of retrying a statement that can never succeed. Transient and unknown
 * errors pass through untouched and retry within the workflow's bound. One place, so no activity
 * factory can forget it.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityInterceptorsFactory } from '@temporalio/worker';
import { BAD_DATA_FAILURE } from '../platform/temporal/bad-data-failure.ts';
import { classifyPostgresError } from '../platform/db/postgres-errors.ts';

/** The failure to raise for `err`, or `err` itself when a retry may still help. */
export function asBadDataFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  const { kind, sqlstate } = classifyPostgresError(err);
  if (kind !== 'data') return err;
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({
    type: BAD_DATA_FAILURE,
    message: `bad data, not retried (SQLSTATE ${sqlstate}): ${message}`,
    nonRetryable: true,
    details: [{ sqlstate }],
    ...(err instanceof Error && { cause: err }),
  });
}

const inbound: ActivityInboundCallsInterceptor = {
  async execute(input, next) {
    try {
      return await next(input);
    } catch (err) {
      throw asBadDataFailure(err);
    }
  },
};

export const failFastOnBadData: ActivityInterceptorsFactory = () => ({ inbound });
