import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSloDefinitions } from '../../core/ops/slo-spec-files.ts';
import { renderRulesFile } from '../slo/render-rules-file.ts';
import { startAlertmanager, type AlertmanagerRouting } from './alertmanager.ts';
import { findAlertmanager, findPrometheus, requireBinary } from './monitoring-binaries.ts';
import type { MonitoringProcess } from './monitoring-process.ts';
import { startPrometheus } from './prometheus.ts';

export interface MonitoringLoopOptions {
  /** Where configs, the rules copy, the token file and both data folders go. */
  dir: string;
  /** The API's base URL: Prometheus scrapes its /metrics, Alertmanager posts to its /v1/ops/alerts. */
  apiUrl: string;
  /** Other /metrics endpoints (host:port), e.g. the worker's. */
  extraTargets?: Record<string, string[]>;
  /** The webhook bearer (SOMA_ALERT_WEBHOOK_TOKEN): written to a 0600 file Alertmanager reads. */
  webhookToken: string;
  prometheusPort: number;
  alertmanagerPort: number;
  /** 1 = the shipped rules; below 1 = a test profile with every window scaled (same ratios). */
  windowScale?: number;
  scrapeInterval?: string;
  evaluationInterval?: string;
  routing?: Omit<AlertmanagerRouting, 'webhookUrl' | 'credentialsFile'>;
  onOutput?: (source: 'prometheus' | 'alertmanager', line: string) => void;
}

export interface MonitoringLoop {
  prometheus: MonitoringProcess;
  alertmanager: MonitoringProcess;
  rulesFile: string;
  stop(): Promise<void>;
}

/**
 * Prometheus (scraping the platform, evaluating the SLO rules) and Alertmanager (routing to the
 * API's webhook): the loop that turns a burning error budget into an `alert` run. `npm start`
 * runs it with the shipped rules; the tests and `npm run bench:detect` with scaled windows.
 */
export async function startMonitoringLoop(options: MonitoringLoopOptions): Promise<MonitoringLoop> {
  mkdirSync(options.dir, { recursive: true });
  const rulesFile = join(options.dir, 'slo-rules.yaml');
  const scale = options.windowScale ?? 1;
  writeFileSync(rulesFile, renderRulesFile(await loadSloDefinitions(), { windowScale: scale }));
  const credentialsFile = join(options.dir, 'alert-webhook-token');
  writeFileSync(credentialsFile, options.webhookToken, { mode: 0o600 });
  chmodSync(credentialsFile, 0o600);
  const api = new URL(options.apiUrl);
  const alertmanager = await startAlertmanager({
    binary: requireBinary(findAlertmanager(), 'Alertmanager (prometheus-alertmanager)'),
    port: options.alertmanagerPort,
    dir: join(options.dir, 'alertmanager'),
    webhookUrl: new URL('/v1/ops/alerts', api).toString(),
    credentialsFile,
    ...options.routing,
    onOutput: (line) => options.onOutput?.('alertmanager', line),
  });
  let prometheus: MonitoringProcess;
  try {
    prometheus = await startPrometheus({
      binary: requireBinary(findPrometheus(), 'Prometheus'),
      port: options.prometheusPort,
      dir: join(options.dir, 'prometheus'),
      targets: { 'somaagent-api': [api.host], ...options.extraTargets },
      rulesFile,
      alertmanager: `127.0.0.1:${options.alertmanagerPort}`,
      ...(options.scrapeInterval && { scrapeInterval: options.scrapeInterval }),
      ...(options.evaluationInterval && { evaluationInterval: options.evaluationInterval }),
      onOutput: (line) => options.onOutput?.('prometheus', line),
    });
  } catch (err) {
    await alertmanager.stop();
    throw err;
  }
  return {
    prometheus,
    alertmanager,
    rulesFile,
    async stop() {
      await prometheus.stop();
      await alertmanager.stop();
    },
  };
}
