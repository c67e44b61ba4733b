import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadSloDefinitions } from '../core/ops/slo-spec-files.ts';
import { SloFileSchema, sloDefinitions } from '../core/ops/slo-spec.ts';
import { renderRulesFile } from '../tooling/slo/render-rules-file.ts';
import { renderDashboardFile, sloDashboard } from '../tooling/slo/slo-dashboard.ts';
import { ALERTMANAGER_FILE, DASHBOARD_FILE, renderAlertmanagerReference, RULES_FILE } from '../tooling/slo/generate.ts';
import { findAmtool, findPromtool, requireBinary } from '../tooling/stack/monitoring-binaries.ts';

const run = promisify(execFile);
const promtool = requireBinary(findPromtool(), 'promtool');
const testsDir = resolve('infra/prometheus/tests');

async function promtoolRun(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(promtool, args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('SLO rules generated from infra/slo/', () => {
  it('the committed rules file and dashboard are what the generator writes now (npm run slo:generate)', async () => {
    const slos = await loadSloDefinitions();
    expect(readFileSync(RULES_FILE, 'utf8')).toBe(renderRulesFile(slos));
    expect(readFileSync(DASHBOARD_FILE, 'utf8')).toBe(renderDashboardFile(slos));
    expect(readFileSync(ALERTMANAGER_FILE, 'utf8')).toBe(renderAlertmanagerReference());
  });

  it('the Alertmanager configuration is valid (amtool) and routes, groups and inhibits by severity and SLO', async () => {
    const amtool = requireBinary(findAmtool(), 'amtool');
    const check = await run(amtool, ['check-config', ALERTMANAGER_FILE]).then((r) => r.stdout + r.stderr);
    expect(check).toContain('SUCCESS');
    const text = readFileSync(ALERTMANAGER_FILE, 'utf8');
    expect(text).toMatch(/group_by:\n\s+- slo\n\s+- severity/);
    expect(text).toMatch(/source_matchers:\n\s+- severity="page"\n\s+target_matchers:\n\s+- severity="ticket"\n\s+equal:\n\s+- slo/);
    expect(text).toContain('send_resolved: true');
    expect(text).toContain('credentials_file:');
    expect(text).not.toMatch(/sk_soma_|credentials: /);
  });

  it('covers the promised SLOs, each with a page and a ticket alert over the SRE Workbook windows', async () => {
    const slos = await loadSloDefinitions();
    expect(slos.map((s) => s.name).sort()).toEqual(
      ['api-availability', 'completion-latency', 'stream-time-to-first-token', 'completion-success', 'rag-success', 'ingestion-success', 'openai-availability', 'anthropic-availability', 'local-availability'].sort(),
    );
    const text = readFileSync(RULES_FILE, 'utf8');
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']) expect(text).toContain(`record: slo:sli_error:ratio_rate${window}\n`);
    const slo = 'api-availability';
    expect(text).toContain(`slo:sli_error:ratio_rate1h{slo="${slo}"} > (14.4 * 0.001)\n    and\n    slo:sli_error:ratio_rate5m{slo="${slo}"} > (14.4 * 0.001)`.replaceAll('\n    ', '\n            '));
    expect(text).toContain(`slo:sli_error:ratio_rate3d{slo="${slo}"} > (1 * 0.001)`);
    for (const s of slos) {
      expect(text.match(new RegExp(`alert: ${s.alerting.name}\\n`, 'g'))?.length, s.name).toBe(2);
    }
  });

  it('every alert links a runbook section that exists (docs/runbooks/slo-violations.md)', async () => {
    const runbook = readFileSync(resolve('docs/runbooks/slo-violations.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    const urls = [...readFileSync(RULES_FILE, 'utf8').matchAll(/runbook_url: (\S+)/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      const [file, anchor] = url.split('#');
      expect(file).toBe('docs/runbooks/slo-violations.md');
      expect(anchors.has(anchor!), url).toBe(true);
    }
  });

  it('promtool check rules accepts the shipped file and the shortened-window test profile', async () => {
    const shipped = await promtoolRun(['check', 'rules', RULES_FILE]);
    expect(shipped.code, shipped.output).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'soma-slo-'));
    const profile = join(dir, 'profile.yaml');
    writeFileSync(profile, renderRulesFile(await loadSloDefinitions(), { windowScale: 1 / 30 }));
    const scaled = await promtoolRun(['check', 'rules', profile]);
    expect(scaled.code, scaled.output).toBe(0);
    expect(readFileSync(profile, 'utf8')).toContain('[10s]');
  });

  it('promtool test rules: fast burns page within the short window, slow burns only ticket, no errors stay silent', async () => {
    const files = readdirSync(testsDir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    // One promtool per file, side by side: each evaluates every rule at every step for hours of
    // synthetic time (about 20 s of CPU in all), which is slow on a loaded 2-core machine.
    const results = await Promise.all(files.map((f) => promtoolRun(['test', 'rules', join(testsDir, f)])));
    for (const result of results) {
      expect(result.code, result.output).toBe(0);
      expect(result.output).not.toContain('FAILED');
    }
  }, 300_000);

  it('refuses a spec whose query has no {{.window}}, and an SLO name defined twice', () => {
    const bad = SloFileSchema.safeParse({
      version: 'prometheus/v1',
      service: 'svc',
      slos: [{ name: 'aa', objective: 99, description: 'd', sli: { events: { error_query: 'sum(rate(x[5m]))', total_query: 'sum(rate(y[{{.window}}]))' } }, alerting: { name: 'A' } }],
    });
    expect(bad.success).toBe(false);
    const good = SloFileSchema.parse({
      version: 'prometheus/v1',
      service: 'svc',
      slos: [{ name: 'aa', objective: 99.95, description: 'd', sli: { events: { error_query: 'sum(rate(x[{{.window}}]))', total_query: 'sum(rate(y[{{.window}}]))' } }, alerting: { name: 'A' } }],
    });
    expect(sloDefinitions([good])[0]!.errorBudget).toBe(0.0005);
    expect(() => sloDefinitions([good, good])).toThrow(/defined twice/);
  });
});

describe('the Grafana dashboard generated from the same specs', () => {
  it('has a row and four panels per SLO, every panel on the Prometheus datasource variable', async () => {
    const slos = await loadSloDefinitions();
    const dashboard = sloDashboard(slos);
    expect(dashboard.uid).toBe('somaagent-slos');
    const panels = dashboard.panels ?? [];
    const rows = panels.filter((p) => p.type === 'row');
    expect(rows).toHaveLength(slos.length);
    for (const slo of slos) {
      const mine = panels.filter((p) => p.type !== 'row' && (p.title ?? '').startsWith(`${slo.name}:`));
      expect(mine.map((p) => p.type).sort(), slo.name).toEqual(['stat', 'stat', 'stat', 'timeseries']);
      for (const p of mine) {
        expect(p.datasource?.uid).toBe('${datasource}');
        expect((p as { targets?: unknown[] }).targets?.length).toBeGreaterThan(0);
      }
    }
  });

  it('every PromQL expression in it parses (promtool checks them as recording rules)', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Array<{ targets?: Array<{ expr?: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).filter((e): e is string => typeof e === 'string');
    expect(exprs.length).toBeGreaterThan(20);
    const dir = mkdtempSync(join(tmpdir(), 'soma-dash-'));
    const file = join(dir, 'exprs.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:expr:${i}`, expr })) }] }));
    const result = await promtoolRun(['check', 'rules', file]);
    expect(result.code, result.output).toBe(0);
    // And promtool does refuse a broken one, so the check above means something.
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: [{ record: 'dashboard:expr:bad', expr: 'sum(rate(x[5m])' }] }] }));
    expect((await promtoolRun(['check', 'rules', file])).code).not.toBe(0);
  });
});
