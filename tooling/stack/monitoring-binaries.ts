import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * Debian's `prometheus` (with `promtool`) and `prometheus-alertmanager` packages, which
 * scripts/bootstrap.mjs installs: the `*_PATH` variable, then PATH, then /usr/bin and /usr/sbin.
 */
function find(names: string[], explicit: string | undefined): string | undefined {
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin']) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

const HOW_TO = 'Run `node scripts/bootstrap.mjs --for-tests` as root, or `sudo apt-get install -y prometheus prometheus-alertmanager`';

export function findPrometheus(): string | undefined {
  return find(['prometheus'], process.env.PROMETHEUS_PATH);
}

export function findPromtool(): string | undefined {
  const server = process.env.PROMETHEUS_PATH;
  return find(['promtool'], server ? join(dirname(server), 'promtool') : undefined);
}

export function findAlertmanager(): string | undefined {
  return find(['prometheus-alertmanager', 'alertmanager'], process.env.ALERTMANAGER_PATH);
}

export function requireBinary(found: string | undefined, what: string): string {
  if (!found) throw new Error(`${what} not found. ${HOW_TO}, or set PROMETHEUS_PATH / ALERTMANAGER_PATH.`);
  return found;
}

export function findAmtool(): string | undefined {
  const server = process.env.ALERTMANAGER_PATH;
  return find(['amtool'], server ? join(dirname(server), 'amtool') : undefined);
}
