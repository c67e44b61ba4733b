import type { Env } from './config.ts';

type Level = Env['LOG_LEVEL'];
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * JSON lines on stdout. Callers pass explicit fields, never whole requests or configs, which is
 * how keys and prompts stay out of the logs.
 */
export function createLogger(service: string, level: Level = 'info'): Logger {
  const write = (at: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: at, service, message, ...fields })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
