import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSloDefinitions } from '../../core/ops/slo-spec-files.ts';
import { renderRulesFile } from './render-rules-file.ts';
import { renderDashboardFile } from './slo-dashboard.ts';

/** Where the generated files are committed. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RULES_FILE = resolve(root, 'infra/prometheus/slo-rules.yaml');
export const DASHBOARD_FILE = resolve(root, 'infra/grafana/dashboards/slo-dashboard.json');

// `npm run slo:generate`: infra/slo/*.yaml → the Prometheus rules and the Grafana dashboard.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const slos = await loadSloDefinitions();
  for (const [file, text] of [[RULES_FILE, renderRulesFile(slos)], [DASHBOARD_FILE, renderDashboardFile(slos)]] as const) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    process.stdout.write(`wrote ${file}\n`);
  }
  process.stdout.write(`${slos.length} SLOs: ${slos.map((s) => s.name).join(', ')}\n`);
}
