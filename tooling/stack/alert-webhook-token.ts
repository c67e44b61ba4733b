import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The bearer Alertmanager sends to the API's alert webhook when SOMA_ALERT_WEBHOOK_TOKEN is not
 * set: generated on first start into the state folder (0600), like the admin key, and handed to
 * the API by environment and to Alertmanager as a credentials_file — never in a config file.
 */
export function ensureAlertWebhookToken(stateDir: string): string {
  const file = join(stateDir, 'alert-webhook-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, token, { mode: 0o600 });
  return token;
}
