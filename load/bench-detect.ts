/**
 * `npm run bench:detect`: mean time to detect (MTTD) — from an injected failure to the page-level
 * alert arriving at the webhook as an `alert` run — through the real loop: the stack (`npm start`'s
 * tooling/stack/main.ts), Prometheus evaluating the generated SLO rules, Alertmanager, the API's
 * POST /v1/ops/alerts.
 *
 * The rules are the shipped ones on a shortened-window test profile: every window divided by
 * BENCH_DETECT_SCALE (default 30: 5m → 10s, 1h → 2m, 30d → 1d) with the same burn-rate factors,
 * scraped and evaluated every second, Alertmanager's group_wait 1 s. The failure: the provider
 * emulator answers 500 to every call, so completions fail (5xx) among healthy reads, and the
 * API availability SLO burns. A trial ends when the page's run starts; the fault is removed and
 * the run must end (resolved) before the next trial.
 *
 * Baseline beside it: the detection time the shipped rules and `npm start`'s defaults give for
 * the same error fraction, worked out from the same windows (the long window's error ratio
 * reaches 14.4x the budget, plus a scrape, an evaluation and the page route's group_wait) — the
 * unscaled loop cannot be run in a benchmark's minutes.
 *
 * Last line of stdout: one JSON object with `mttd_s`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { BURN_RATE_ALERTS, durationSeconds } from '../core/ops/slo-burn-policy.ts';
import { benchRun, sleep } from '../tooling/bench/bench-run.ts';
import { intEnv } from '../tooling/bench/bench-env.ts';
import { emulatorControl } from '../tooling/bench/emulator-control.ts';
import { freePorts } from '../tooling/bench/free-ports.ts';
import { fmt, round, table } from '../tooling/bench/stats.ts';
import { startMonitoringLoop } from '../tooling/stack/monitoring-loop.ts';

const TRIALS = intEnv('BENCH_DETECT_TRIALS', 3, 1, 20);
const SCALE = intEnv('BENCH_DETECT_SCALE', 30, 1, 720);
const GOAL_S = 60;
/** npm start's loop: Prometheus's default scrape and evaluation interval, the page route's group_wait. */
const SHIPPED = { scrapeS: 15, evaluationS: 15, groupWaitS: 10 };
const ERROR_BUDGET = 0.001; // api-availability: 99.9%

const bench = benchRun(intEnv('BENCH_MAX_SECONDS', 1500, 60, 7200));
const token = randomBytes(24).toString('base64url');

interface Trial {
  mttdS: number;
  errorFraction: number;
  resolvedS: number;
}

/**
 * Seconds until both windows of the fastest page pair exceed 14.4x the budget, for a steady
 * error fraction f starting from a healthy baseline: a window of length W holds f·t/W errors
 * after t seconds, so t = W · 14.4 · budget / f, for the longer window.
 */
function theoreticalDetectionS(errorFraction: number, windowScale: number, loop: { scrapeS: number; evaluationS: number; groupWaitS: number }): number {
  const page = BURN_RATE_ALERTS.find((a) => a.severity === 'page')!;
  const long = (durationSeconds(page.long) / windowScale) * ((page.factor * ERROR_BUDGET) / errorFraction);
  return long + loop.scrapeS + loop.evaluationS + loop.groupWaitS;
}

// The stack's local-model server gets a free port too (another stack may hold the default).
const [localModelPort] = await freePorts(1);

bench.run<{ trials: Trial[] }>({
  stackEnv: { SOMA_ALERT_WEBHOOK_TOKEN: token, PROVIDER_MAX_ATTEMPTS: '1', LOCAL_MODEL_PORT: String(localModelPort) },
  async measure(stack) {
    const [prometheusPort, alertmanagerPort] = await freePorts(2);
    const loop = await startMonitoringLoop({
      dir: mkdtempSync(join(tmpdir(), 'soma-bench-detect-')),
      apiUrl: stack.apiUrl,
      webhookToken: token,
      prometheusPort: prometheusPort!,
      alertmanagerPort: alertmanagerPort!,
      windowScale: 1 / SCALE,
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      routing: { groupWait: '1s', groupInterval: '2s', pageRepeatInterval: '1m', ticketRepeatInterval: '1m' },
    });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const client = new Client({ connection });
    const emulator = emulatorControl(stack.emulatorUrl);
    const headers = { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' };
    let running = true;
    let sent = 0;
    let failed = 0;
    const call = async (path: string, body?: unknown) => {
      try {
        const res = await fetch(`${stack.apiUrl}${path}`, { method: body ? 'POST' : 'GET', headers, ...(body !== undefined && { body: JSON.stringify(body) }), signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        sent++;
        if (res.status >= 500) failed++;
      } catch (err) {
        bench.countError(path, err);
      }
    };
    // Steady traffic: two cheap reads and one completion every ~250 ms.
    const traffic = (async () => {
      while (running && !bench.aborted) {
        await Promise.all([call('/v1/models'), call('/v1/runs/completion-x-nothing'), call('/v1/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })]);
        await sleep(250);
      }
    })();
    const pageRuns = async () => {
      const runs: Array<{ id: string; start: number; running: boolean }> = [];
      const query = "SomaKind = 'alert' AND SomaSlo = 'api-availability' AND SomaSeverity = 'page'";
      for await (const r of client.workflow.list({ query })) runs.push({ id: r.workflowId, start: r.startTime.getTime(), running: r.status.name === 'RUNNING' });
      return runs;
    };
    const trials: Trial[] = [];
    try {
      bench.note('healthy traffic for 20 s (the SLIs need a baseline) ...');
      await sleep(20_000);
      for (let i = 0; i < TRIALS && !bench.aborted; i++) {
        const [sentBefore, failedBefore] = [sent, failed];
        const injectedAt = Date.now();
        await emulator.injectFault({ status: 500, count: 1_000_000 });
        let page: { id: string; start: number } | undefined;
        while (!page) {
          if (Date.now() - injectedAt > 300_000) throw new Error('no page-level alert run within 300 s of the failure');
          page = (await pageRuns()).find((r) => r.running && r.start >= injectedAt - 1000);
          if (!page) await sleep(250);
        }
        const mttdS = (page.start - injectedAt) / 1000;
        const errorFraction = (failed - failedBefore) / Math.max(1, sent - sentBefore);
        bench.note(`trial ${i + 1}: page run ${page.id} after ${fmt(mttdS)} s (error fraction ${fmt(errorFraction)})`);
        // The fix: the emulator answers again; the page resolves and its run completes.
        await fetch(`${stack.emulatorUrl}/_emulator/reset`, { method: 'POST' });
        const fixedAt = Date.now();
        // describe(), not result(): the result is encrypted with the stack's payload key.
        for (;;) {
          const { status } = await client.workflow.getHandle(page.id).describe();
          if (status.name === 'COMPLETED') break;
          if (status.name !== 'RUNNING') throw new Error(`the alert run ${page.id} ended ${status.name}, not resolved`);
          if (Date.now() - fixedAt > 300_000) throw new Error('the page did not resolve within 300 s of the fix');
          await sleep(500);
        }
        const resolvedS = (Date.now() - fixedAt) / 1000;
        bench.note(`trial ${i + 1}: resolved ${fmt(resolvedS)} s after the fix`);
        trials.push({ mttdS, errorFraction, resolvedS });
        await sleep(5_000);
      }
    } finally {
      running = false;
      await traffic;
      await connection.close();
      await loop.stop();
    }
    return { trials };
  },
  finish({ trials }) {
    const mttds = trials.map((t) => t.mttdS).sort((a, b) => a - b);
    const median = mttds[Math.floor(mttds.length / 2)] ?? NaN;
    const fraction = trials.reduce((a, t) => a + t.errorFraction, 0) / Math.max(1, trials.length);
    const scaledTheory = theoreticalDetectionS(fraction, SCALE, { scrapeS: 1, evaluationS: 1, groupWaitS: 1 });
    const shippedTheory = theoreticalDetectionS(fraction, 1, SHIPPED);
    process.stdout.write(
      table([['trial', 'MTTD (s)', 'error fraction', 'resolved after fix (s)'], ...trials.map((t, i) => [String(i + 1), fmt(t.mttdS), fmt(t.errorFraction, 3), fmt(t.resolvedS)])]) + '\n',
    );
    process.stdout.write(`\nMTTD median ${fmt(median)} s with windows / ${SCALE} (goal < ${GOAL_S} s); worked out for this profile: ${fmt(scaledTheory)} s.\n`);
    process.stdout.write(`Baseline, the shipped windows and npm start's intervals at the same error fraction: ${fmt(shippedTheory)} s (worked out, not run).\n`);
    for (const line of bench.errorLines()) process.stdout.write(`${line}\n`);
    return {
      mttd_s: round(median, 2),
      mttd_max_s: round(mttds.at(-1) ?? NaN, 2),
      trials: trials.length,
      goal_s: GOAL_S,
      window_scale: `1/${SCALE}`,
      error_fraction: round(fraction, 3),
      theoretical_test_profile_s: round(scaledTheory, 1),
      baseline_shipped_windows_theoretical_s: round(shippedTheory, 1),
      resolved_after_fix_s: round(trials.reduce((a, t) => a + t.resolvedS, 0) / Math.max(1, trials.length), 1),
    };
  },
});
