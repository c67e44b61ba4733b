/**
 * CLI entry: `npm run emulator:pagerduty`. A local PagerDuty (Events API v2 + the REST parts the
 * platform uses) over TLS with a fresh self-signed certificate, configured by environment:
 *   PAGERDUTY_EMULATOR_PORT (default 5443), PAGERDUTY_EMULATOR_HOST (default 127.0.0.1),
 *   PAGERDUTY_EMULATOR_API_TOKEN (unset: any token is accepted).
 * It prints the settings to point the platform at it (PAGERDUTY_CA_FILE trusts the certificate).
 */
import { z } from 'zod';
import { runEmulatorMain } from '../emulator-main.ts';
import { createPagerDutyEmulator } from './create-pagerduty-emulator.ts';
import { selfSignedCert } from './self-signed-cert.ts';

const tls = selfSignedCert();
await runEmulatorMain({
  name: 'pagerduty emulator',
  envSchema: z.object({
    PAGERDUTY_EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(5443),
    PAGERDUTY_EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
    PAGERDUTY_EMULATOR_API_TOKEN: z.string().min(1).optional(),
  }),
  start: (env) =>
    createPagerDutyEmulator({
      cert: tls.cert,
      key: tls.key,
      port: env.PAGERDUTY_EMULATOR_PORT,
      host: env.PAGERDUTY_EMULATOR_HOST,
      ...(env.PAGERDUTY_EMULATOR_API_TOKEN !== undefined && { apiToken: env.PAGERDUTY_EMULATOR_API_TOKEN }),
    }),
  banner: (emulator) => [
    `pagerduty emulator (in-memory, TLS) listening on ${emulator.url}`,
    `  PAGERDUTY_EVENTS_SERVER=${emulator.server} PAGERDUTY_API_SERVER=${emulator.server} PAGERDUTY_CA_FILE=${tls.certFile}`,
    `  control API: ${emulator.url}/_emulator/{state,reset}`,
  ],
});
