/**
 * Memory of the processes a benchmark measures, read from /proc (Linux; elsewhere null), so a
 * report can say what a server cost, not only how fast it was.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** PSS of a process and its direct children (a postmaster and its backends), in MB. */
export function treePssMb(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  const pids = [pid];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) pids.push(Number(entry));
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return null;
  }
  let kb = 0;
  for (const p of pids) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
      if (match) kb += Number(match[1]);
    } catch {
      // ended, or not readable
    }
  }
  return kb / 1024;
}

/** This process's peak resident set (VmHWM), MB: with an in-process server (PGlite) the server lives in here. */
export function selfPeakRssMb(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
