/**
 * Tails the local stack's service logs (`<state dir>/logs/<service>.log`, written by
 * `npm start`): the last lines of each, then, when following, whatever is appended — to files
 * that exist now or appear later — until the signal aborts.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface LogLine {
  service: string;
  line: string;
}

export interface TailOptions {
  dir: string;
  /** Lines of history per file before following. */
  lines: number;
  follow: boolean;
  onLine: (line: LogLine) => void;
  signal?: AbortSignal;
  pollMs?: number;
}

const HISTORY_BYTES = 256 * 1024;

async function logFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.log')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

async function readRange(path: string, start: number, end: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

interface Tracked {
  offset: number;
  /** A line written in part, completed by a later read. */
  partial: string;
}

export async function tailLogs(options: TailOptions): Promise<{ files: string[] }> {
  const tracked = new Map<string, Tracked>();
  const emit = (path: string, text: string, state: Tracked) => {
    const parts = (state.partial + text).split('\n');
    state.partial = parts.pop() ?? '';
    const service = basename(path, '.log');
    for (const line of parts) if (line.trim()) options.onLine({ service, line });
  };

  const files = await logFiles(options.dir);
  for (const path of files) {
    const { size } = await stat(path);
    const start = Math.max(0, size - HISTORY_BYTES);
    const lines = (await readRange(path, start, size)).split('\n');
    if (start > 0) lines.shift(); // a line cut by the window
    const last = lines.filter((l) => l.trim()).slice(-options.lines);
    const service = basename(path, '.log');
    for (const line of last) options.onLine({ service, line });
    tracked.set(path, { offset: size, partial: '' });
  }
  if (!options.follow) return { files };

  const pollMs = options.pollMs ?? 500;
  while (!options.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    for (const path of await logFiles(options.dir)) {
      const state = tracked.get(path) ?? { offset: 0, partial: '' };
      tracked.set(path, state);
      let size: number;
      try {
        ({ size } = await stat(path));
      } catch {
        continue;
      }
      if (size < state.offset) Object.assign(state, { offset: 0, partial: '' }); // truncated or replaced
      if (size === state.offset) continue;
      emit(path, await readRange(path, state.offset, size), state);
      state.offset = size;
    }
  }
  return { files };
}
