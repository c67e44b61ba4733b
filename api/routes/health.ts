import { Router } from 'express';
import type { Connection } from '@temporalio/client';
import type { Pool } from '../../platform/db/pool.ts';
import type { ProviderState } from '../../core/providers/provider-set.ts';

const CHECK_TIMEOUT_MS = 2_000;

async function check(name: string, probe: () => Promise<unknown>): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name, ok: true };
  } catch (err) {
    return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRouter(deps: { pool: Pool; connection: Connection; providers?: readonly ProviderState[] }): Router {
  // Which vendors answer for real and which the emulator simulates (or, in production, nobody):
  // an operator sees at a glance why gpt-* answers "[simulated]" or 503 provider_not_configured.
  const providers = Object.fromEntries((deps.providers ?? []).map((p) => [p.id, p.status]));
  const router = Router();
  // Liveness: the process answers. Never touches dependencies, so a slow database cannot get
  // a healthy API restarted.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness: the engines behind every run are reachable.
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.all([
      check('postgres', () => deps.pool.query('SELECT 1')),
      check('temporal', () => deps.connection.workflowService.getSystemInfo({})),
    ]);
    const ready = checks.every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks, providers });
  });
  return router;
}
