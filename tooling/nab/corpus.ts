// Reads the NAB corpus (MIT, Numenta) from the shared data folder at run time: it is never
// committed. NAB_DIR overrides the location (default: ../shared/data/nab beside the repository).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelledSeries } from '../../core/ops/anomaly/nab-scorer.ts';

export interface NabSeries extends LabelledSeries {
  readonly values: readonly number[];
}

export function nabDir(): string {
  return process.env.NAB_DIR ?? fileURLToPath(new URL('../../../shared/data/nab', import.meta.url));
}

export function nabAvailable(dir = nabDir()): boolean {
  return existsSync(join(dir, 'labels', 'combined_windows.json'));
}

/** NAB writes "2014-04-10 07:15:00[.000000]" in UTC; epoch ms keeps window matching exact. */
export function parseNabTime(text: string): number {
  const t = Date.parse(`${text.trim().replace(' ', 'T').replace(/\.\d+$/, '')}Z`);
  if (Number.isNaN(t)) throw new Error(`not a NAB timestamp: ${text}`);
  return t;
}

/** Every labelled file, sorted by name (e.g. "realKnownCause/nyc_taxi.csv"). */
export function loadNabCorpus(dir = nabDir()): NabSeries[] {
  const windows = JSON.parse(readFileSync(join(dir, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const out: NabSeries[] = [];
  for (const name of Object.keys(windows).sort()) {
    const lines = readFileSync(join(dir, 'data', name), 'utf8').trim().split('\n').slice(1);
    const timestamps: number[] = [];
    const values: number[] = [];
    for (const line of lines) {
      const comma = line.indexOf(',');
      timestamps.push(parseNabTime(line.slice(0, comma)));
      values.push(Number(line.slice(comma + 1)));
    }
    out.push({ name, timestamps, values, windows: windows[name]!.map(([a, b]) => [parseNabTime(a), parseNabTime(b)] as const) });
  }
  return out;
}

/** Files in data/ without labels would be silently skipped; list them so a check can say so. */
export function unlabelledFiles(dir = nabDir()): string[] {
  const windows = JSON.parse(readFileSync(join(dir, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, unknown>;
  const found: string[] = [];
  for (const group of readdirSync(join(dir, 'data'), { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const f of readdirSync(join(dir, 'data', group.name))) if (f.endsWith('.csv') && !(`${group.name}/${f}` in windows)) found.push(`${group.name}/${f}`);
  }
  return found;
}
