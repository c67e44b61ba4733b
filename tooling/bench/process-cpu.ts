import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of every process in one process group (the benchmark's own stack), read from /proc.
 * Linux only; elsewhere the snapshot is empty and the benchmark just leaves the column out.
 */
export interface CpuSnapshot {
  at: number;
  /** label -> CPU seconds (user + system) summed over the processes with that label. */
  seconds: Map<string, number>;
}

const TICKS_PER_SECOND = 100; // USER_HZ is 100 on every mainstream Linux build.

/** What each process of the stack is, from its command line. */
export function labelOf(cmdline: string): string {
  if (/workers\/main\.ts/.test(cmdline)) return 'worker';
  if (/api\/main\.ts/.test(cmdline)) return 'api';
  if (/emulator\/main\.ts/.test(cmdline)) return 'emulator';
  if (/embedded-postgres-main\.ts/.test(cmdline)) return 'postgres';
  if (/stack\/main\.ts/.test(cmdline)) return 'stack';
  if (/temporal/.test(cmdline)) return 'temporal';
  return 'other';
}

function readStat(pid: string): { pgrp: number; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(processGroup: number | undefined): CpuSnapshot {
  const seconds = new Map<string, number>();
  const at = performance.now();
  if (processGroup === undefined || process.platform !== 'linux') return { at, seconds };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { at, seconds };
  }
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat || stat.pgrp !== processGroup) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    const label = labelOf(cmdline);
    seconds.set(label, (seconds.get(label) ?? 0) + stat.ticks / TICKS_PER_SECOND);
  }
  const own = process.cpuUsage();
  seconds.set('bench (this process)', (own.user + own.system) / 1e6);
  return { at, seconds };
}

/** CPU use between two snapshots as a percentage of one core, per label. */
export function cpuPercent(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const wall = (after.at - before.at) / 1000;
  const out: Record<string, number> = {};
  if (wall <= 0) return out;
  for (const [label, end] of after.seconds) {
    const start = before.seconds.get(label) ?? 0;
    out[label] = Math.round(((end - start) / wall) * 1000) / 10;
  }
  return out;
}
