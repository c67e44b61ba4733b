import { z } from 'zod';
import { AlertmanagerWebhookSchema } from '../core/ops/alert-types.ts';
import { AlertIntakeResultSchema } from './routes/ops-alerts.ts';
import { SloStatusListSchema } from './routes/ops-slos.ts';

/**
 * OpenAPI paths of operations (api/routes/ops-*.ts), merged into openapi.ts. Both are operator
 * protocols, not app-developer calls, so the SDKs leave them out ('x-sdk': false): the webhook
 * is Alertmanager's, and the SLO status is platform-wide (admin) and read by `somaagent slo
 * status` through the SDK's raw request.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });

export const opsPaths = {
  '/v1/ops/alerts': {
    post: {
      operationId: 'receiveAlertmanagerWebhook',
      'x-sdk': false,
      summary: 'Alertmanager webhook (payload version 4): starts or signals the alert group’s `alert` run',
      description: 'Authenticated by the operator bearer SOMA_ALERT_WEBHOOK_TOKEN (Alertmanager http_config authorization), never by an API key.',
      requestBody: { required: true, content: json(z.toJSONSchema(AlertmanagerWebhookSchema, { io: 'input' })) },
      responses: {
        '202': { description: 'Recorded: the group’s run was started or signalled (or a resolution with no open run was ignored)', content: json(z.toJSONSchema(AlertIntakeResultSchema)) },
        '400': errorResponse('Not an Alertmanager v4 webhook payload (validation_failed)'),
        '401': errorResponse('Missing or wrong webhook bearer (invalid_webhook_credential)'),
        '503': errorResponse('The webhook is off (alert_webhook_not_configured) or Temporal did not take the alert (alert_intake_unavailable; Alertmanager retries)'),
      },
    },
  },
  '/v1/ops/slos': {
    get: {
      operationId: 'listSloStatus',
      'x-sdk': false,
      summary: 'Every SLO: objective, SLI now and over the period, error budget remaining, burn rate per window, alerts firing (admin)',
      responses: {
        '200': { description: 'The SLOs of infra/slo/, read from Prometheus', content: json(z.toJSONSchema(SloStatusListSchema)) },
        '403': errorResponse('Admin key required (admin_required): SLOs are platform-wide'),
        '503': errorResponse('The configured Prometheus did not answer (prometheus_unavailable)'),
      },
    },
  },
};
