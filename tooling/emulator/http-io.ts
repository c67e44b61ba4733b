/** Small node:http helpers, kept allocation-light because the emulator sits in a latency benchmark. */
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';

/** Far above any real chat request; stops a runaway client from filling memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type BodyResult = { ok: true; value: unknown } | { ok: false; message: string };

export function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', () => resolve({ ok: false, message: 'request body could not be read' }));
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return resolve({ ok: false, message: 'request body too large' });
      if (size === 0) return resolve({ ok: true, value: undefined });
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown });
      } catch {
        resolve({ ok: false, message: 'request body is not valid JSON' });
      }
    });
  });
}

/** Node has no reason phrase for Anthropic's 529; send the one their edge sends. */
function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? (status === 529 ? 'Site Overloaded' : 'Unknown');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: OutgoingHttpHeaders): void {
  if (res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, reasonPhrase(status), {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/**
 * Timers are unref'd: a pending latency delay must not keep a test process alive after the
 * server closed (the listening server keeps the CLI alive on its own).
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A non-negative number from a header, or undefined when absent or malformed. */
export function headerNumber(req: IncomingMessage, name: string): number | undefined {
  const raw = headerValue(req, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
