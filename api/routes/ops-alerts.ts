import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AlertIntake } from '../../core/ops/alert-intake.ts';
import { AlertmanagerWebhookSchema, type AlertmanagerWebhook, type AlertGroupUpdate } from '../../core/ops/alert-types.ts';
import { ApiError } from '../api-error.ts';
import { parseInput } from '../validation.ts';

export const AlertIntakeResultSchema = z.object({
  workflow_id: z.string().describe('The alert group’s run: alert-<hash of groupKey>'),
  action: z.enum(['started', 'signalled', 'ignored']).describe('ignored: a resolution of a group with no open run'),
});

export interface OpsAlertsDeps {
  intake: AlertIntake;
  /** SOMA_ALERT_WEBHOOK_TOKEN; unset, the webhook is off (503). */
  token: string | undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time, whatever the lengths: both sides are hashed first. */
function presentedTokenMatches(req: Request, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

export function toAlertGroupUpdate(payload: AlertmanagerWebhook): AlertGroupUpdate {
  return {
    groupKey: payload.groupKey,
    status: payload.status,
    source: 'alertmanager',
    groupLabels: payload.groupLabels,
    commonLabels: payload.commonLabels,
    commonAnnotations: payload.commonAnnotations,
    alerts: payload.alerts.map((a) => ({ status: a.status, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: a.endsAt, fingerprint: a.fingerprint })),
  };
}

/**
 * Alertmanager's webhook receiver (webhook_config, payload version 4): every notification of an
 * alert group starts or signals that group's `alert` run (core/ops/alert-intake.ts). It is
 * authenticated by its own operator bearer (Alertmanager's http_config authorization), not an
 * API key: mounted before the API-key middleware, it never sees tenant credentials.
 */
export function opsAlertsRouter(deps: OpsAlertsDeps): Router {
  const router = Router();
  router.post('/v1/ops/alerts', async (req, res) => {
    if (deps.token === undefined) {
      throw new ApiError(503, 'api_error', 'alert_webhook_not_configured', 'The alert webhook is off: set SOMA_ALERT_WEBHOOK_TOKEN (npm start sets one) and give Alertmanager the same bearer.');
    }
    if (!presentedTokenMatches(req, deps.token)) {
      throw new ApiError(401, 'authentication_error', 'invalid_webhook_credential', 'Send the alert webhook bearer (SOMA_ALERT_WEBHOOK_TOKEN) as "Authorization: Bearer <token>".');
    }
    const payload = parseInput(AlertmanagerWebhookSchema, req.body, 'Alertmanager webhook payload');
    let result;
    try {
      result = await deps.intake.raise(toAlertGroupUpdate(payload));
    } catch (err) {
      // Alertmanager retries a failed notification: a 503 tells it to, and says why.
      throw new ApiError(503, 'api_error', 'alert_intake_unavailable', `The alert could not be recorded now (${err instanceof Error ? err.message : String(err)}); Alertmanager will retry.`);
    }
    res.status(202).json(AlertIntakeResultSchema.parse({ workflow_id: result.workflowId, action: result.action }));
  });
  return router;
}
