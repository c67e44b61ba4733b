/**
 * The OpenAI Files API, as much as fine-tuning needs: `POST /v1/files` (multipart, the way the
 * official SDK uploads), `GET /v1/files/{id}`, `GET /v1/files/{id}/content`. Files live in the
 * emulator's memory. Simulated: nothing is checked beyond the multipart shape.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-io.ts';

export interface EmulatedFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  content: Buffer;
  created_at: number;
}

export interface FilesState {
  files: Map<string, EmulatedFile>;
}

export const createFilesState = (): FilesState => ({ files: new Map() });

const MAX_FILE_BYTES = 512 * 1024 * 1024;

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_FILE_BYTES) chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** Splits a multipart/form-data body into its named parts (enough for the SDK's upload). */
function multipartParts(body: Buffer, boundary: string): Map<string, { filename?: string; data: Buffer }> {
  const parts = new Map<string, { filename?: string; data: Buffer }>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      if (name !== undefined) parts.set(name, { ...(filename !== undefined ? { filename } : {}), data: part.subarray(headerEnd + 4) });
    }
    start = next;
  }
  return parts;
}

const fileJson = (f: EmulatedFile) => ({ object: 'file', id: f.id, filename: f.filename, purpose: f.purpose, bytes: f.bytes, created_at: f.created_at, status: 'processed' });

export async function handleFilesCall(req: IncomingMessage, res: ServerResponse, path: string, state: FilesState): Promise<void> {
  if (req.method === 'POST' && path === '/v1/files') {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers['content-type'] ?? '');
    const raw = await readRaw(req);
    if (!boundary) return sendJson(res, 400, { error: { message: 'expected multipart/form-data', type: 'invalid_request_error' } });
    const parts = multipartParts(raw, boundary[1] ?? boundary[2]!);
    const file = parts.get('file');
    const purpose = parts.get('purpose')?.data.toString('utf8');
    if (!file || !purpose) return sendJson(res, 400, { error: { message: 'file and purpose are required', type: 'invalid_request_error' } });
    const f: EmulatedFile = {
      id: `file-${randomBytes(12).toString('hex')}`,
      filename: file.filename ?? 'upload.jsonl',
      purpose,
      bytes: file.data.length,
      content: Buffer.from(file.data),
      created_at: Math.floor(Date.now() / 1000),
    };
    state.files.set(f.id, f);
    return sendJson(res, 200, fileJson(f));
  }
  req.resume();
  const match = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
  const f = match ? state.files.get(match[1]!) : undefined;
  if (req.method === 'GET' && f) {
    if (match![2]) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.content.length });
      res.end(f.content);
      return;
    }
    return sendJson(res, 200, fileJson(f));
  }
  return sendJson(res, 404, { error: { message: `No such File object: ${match?.[1] ?? path}`, type: 'invalid_request_error', code: 'not_found' } });
}
