import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { attempt } from './support/model-metrics.ts';
import { createPostgresMetricsWriter } from '../stores/metrics/postgres-metrics-writer.ts';
import { ensureAnomalySchedule } from '../core/ops/anomaly/anomaly-schedule.ts';
import { anomalyGroupKey, type AnomalyDetectorResult } from '../core/ops/anomaly/anomaly-types.ts';
import { scanSeries, seriesKey } from '../core/ops/anomaly/anomaly-scan.ts';
import { createDetector, detectSeries, estimateSeason, DEFAULT_DETECTOR_PARAMS } from '../core/ops/anomaly/detector.ts';
import { alertWorkflowId } from '../core/ops/alert-intake.ts';
import { ALERT_TIMELINE_QUERY, type AlertRunState } from '../core/ops/alert-types.ts';
import { newId } from '../platform/ids.ts';

/** Deterministic noise in [-1, 1]: the tests must not depend on luck. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

const MINUTE = 60_000;

describe('anomaly detector (pure)', () => {
  it('scores a steady noisy series low and an injected spike high', () => {
    const values = Array.from({ length: 300 }, (_, i) => 100 + 5 * noise(i));
    const normal = detectSeries(values, undefined, 30);
    expect(Math.max(...normal.slice(30))).toBeLessThan(0.5);
    values[250] = 400;
    const spiked = detectSeries(values, undefined, 30);
    expect(spiked[250]).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...spiked.slice(30, 250))).toBeLessThan(0.5);
  });

  it('is deterministic and streaming: the same points give the same scores one by one', () => {
    const values = Array.from({ length: 200 }, (_, i) => 10 + noise(i));
    const d = createDetector(undefined, 10);
    expect(values.map((v) => d.next(v))).toEqual(detectSeries(values, undefined, 10));
  });

  // A daily square wave (48 points a "day": 24 low, 24 high) with noise.
  const daily = (days: number, missingJumpOnDay = -1): number[] =>
    Array.from({ length: days * 48 }, (_, i) => {
      const high = i % 48 >= 24 && Math.floor(i / 48) !== missingJumpOnDay;
      return (high ? 80 : 20) + 3 * noise(i);
    });

  it('finds the season of a smooth periodic series, not the short-lag inertia of its smoothness', () => {
    // A smooth sine correlates ~1 with itself a few points later; the season is still 96.
    const smooth = Array.from({ length: 600 }, (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 96) + noise(i));
    expect(estimateSeason(smooth, 200)).toBe(96);
    expect(estimateSeason(daily(12), 200, 0.6)).toBe(48);
    // Noise has no season.
    expect(estimateSeason(Array.from({ length: 600 }, (_, i) => noise(i)), 200, 0.6)).toBe(0);
  });

  it('on a seasonal series, flags a day whose expected jump never came, and stays quiet on a normal cycle', () => {
    const learning = 960;
    const normal = detectSeries(daily(40), undefined, learning);
    expect(Math.max(...normal.slice(learning))).toBeLessThan(0.5);
    const odd = detectSeries(daily(40, 30), undefined, learning);
    // The missing jump is on day 30, points 1464..1487: flagged within that stretch.
    expect(Math.max(...odd.slice(30 * 48 + 24, 31 * 48))).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...odd.slice(learning, 30 * 48 + 24))).toBeLessThan(0.5);
  });

  it('takes the seasonal baseline as the median of the last three seasons, so an anomalous day does not echo a day later', () => {
    const learning = 960;
    const echoFrom = (scores: number[]) => Math.max(...scores.slice(31 * 48 + 24, 32 * 48));
    // Day 31 is normal, but against day 30 alone (whose jump never came) its jump looks anomalous.
    expect(echoFrom(detectSeries(daily(40, 30), { ...DEFAULT_DETECTOR_PARAMS, seasonDepth: 1 }, learning))).toBeGreaterThanOrEqual(0.5);
    expect(echoFrom(detectSeries(daily(40, 30), undefined, learning))).toBeLessThan(0.5);
  });

  it('stays silent for a share of the learning period after an alert (one alert per incident)', () => {
    const learning = 400;
    const values = Array.from({ length: 700 }, (_, i) => 100 + 5 * noise(i));
    values[500] = 400;
    // A bigger spike 15 points later: a new extreme, so it scores 1 unless the detector is quiet.
    values[515] = 600;
    const scores = detectSeries(values, { ...DEFAULT_DETECTOR_PARAMS, maxSeason: 0 }, learning);
    expect(scores[500]).toBeGreaterThanOrEqual(0.5);
    // quietFraction 0.05 of 400 learning points: 20 points of silence, so the spike at 515 is no new alert.
    expect(scores[515]).toBe(0);
    const shortQuiet = detectSeries(values, { ...DEFAULT_DETECTOR_PARAMS, maxSeason: 0, quietFraction: 0 }, learning);
    expect(shortQuiet[515]).toBeGreaterThanOrEqual(0.5);
  });

  it('reports only the last interval, and a series that was anomalous before and is quiet now as recovered', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const timestamps = Array.from({ length: 120 }, (_, i) => t0 + i * MINUTE);
    const spikeAt = (i: number) => timestamps.map((_, k) => (k === i ? 1000 : 100 + 3 * noise(k)));
    const now = timestamps[119]!;
    const series = (key: string, values: number[]) => ({ key, metric: 'm', labels: {}, timestamps, values });
    const result = scanSeries([series('recent', spikeAt(117)), series('earlier', spikeAt(112)), series('old', spikeAt(60)), series('calm', spikeAt(-1))], { now, intervalMs: 5 * MINUTE });
    expect(result.firing.map((a) => a.series)).toEqual(['recent']);
    expect(result.firing[0]!.value).toBe(1000);
    expect(result.recovered).toEqual(['earlier']);
  });
});

describe('anomalyDetector workflow on a Temporal Schedule', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
  });

  it('a manually triggered schedule scans the model metrics store and raises the injected anomaly into the alert path', async () => {
    const { tenantId } = await platform.newTenant('anomaly');
    const probe = `anomaly-probe-${newId('m', 6)}`;
    const calm = `anomaly-calm-${newId('m', 6)}`;
    // 100 one-minute buckets of one attempt each, ending now, the same noise for both models; the
    // probe's last two take 30× longer. So whatever fires for the probe and not for the calm
    // model is the injected anomaly.
    const now = Date.now();
    const rows = [];
    for (let i = 100; i >= 1; i--) {
      const ts = now - i * MINUTE + 1000;
      rows.push(attempt({ ts, tenantId, model: calm, latencyMs: Math.round(200 + 10 * noise(i)) }));
      rows.push(attempt({ ts, tenantId, model: probe, latencyMs: i <= 2 ? 6000 : Math.round(200 + 10 * noise(i)) }));
    }
    await createPostgresMetricsWriter(platform.pool, { writeTimeoutMs: 10_000 }).write(rows);

    const scheduleId = `test-anomaly-${newId('s', 6)}`;
    const options = { client: platform.client, taskQueue: platform.env.TEMPORAL_TASK_QUEUE, scheduleId, intervalSeconds: 3600, input: { lookbackMinutes: 110, stepSeconds: 60, intervalSeconds: 300 } };
    expect(await ensureAnomalySchedule(options)).toEqual({ scheduleId, created: true });
    // Idempotent: a second start of the stack leaves the schedule as it is.
    expect(await ensureAnomalySchedule(options)).toEqual({ scheduleId, created: false });
    const schedule = platform.client.schedule.getHandle(scheduleId);
    try {
      await schedule.trigger();
      let started: { workflowId: string; firstExecutionRunId: string } | undefined;
      for (let i = 0; i < 100 && !started; i++) {
        const action = (await schedule.describe()).info.recentActions.at(-1)?.action;
        if (action) started = action.workflow;
        else await new Promise((r) => setTimeout(r, 200));
      }
      expect(started).toBeDefined();
      const result = (await platform.client.workflow.getHandle(started!.workflowId, started!.firstExecutionRunId).result()) as AnomalyDetectorResult;
      const probeSeries = seriesKey('model_latency_p95_ms', { model: probe, provider: 'openai' });
      const calmSeries = seriesKey('model_latency_p95_ms', { model: calm, provider: 'openai' });
      const firing = result.firing.map((a) => a.series);
      expect(firing).toContain(probeSeries);
      expect(firing).not.toContain(calmSeries);
      expect(result.firing.find((a) => a.series === probeSeries)!.value).toBe(6000);

      // The anomaly went through the alert path: an `alert` run for the series, firing.
      const alertRun = platform.client.workflow.getHandle(alertWorkflowId(anomalyGroupKey(probeSeries)));
      let state: AlertRunState | undefined;
      for (let i = 0; i < 50 && !state?.timeline.length; i++) {
        state = await alertRun.query<AlertRunState>(ALERT_TIMELINE_QUERY).catch(() => undefined);
        if (!state?.timeline.length) await new Promise((r) => setTimeout(r, 200));
      }
      expect(state!.source).toBe('anomaly-detector');
      expect(state!.status).toBe('firing');
      expect(state!.commonLabels.model).toBe(probe);
      await alertRun.terminate('test over');
    } finally {
      await schedule.delete();
    }
  }, 120_000);
});
