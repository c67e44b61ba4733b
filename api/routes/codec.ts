import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Env } from '../../platform/config.ts';
import { PayloadDecryptionError } from '../../platform/temporal/payload-codec/encrypted-payload-codec.ts';
import { ApiError } from '../api-error.ts';
import { requireAdmin, type Authenticator } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';

/**
 * Temporal's codec-server protocol (what the Web UI and `temporal --codec-endpoint` speak):
 * POST {endpoint}/decode and /encode with `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`,
 * answered in the same shape. Decoding shows any tenant's prompts, and a decode request does
 * not say which workflow a payload came from, so only admin keys may use it.
 */
const Base64 = z.string().max(10_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const CodecPayloadSchema = z.object({ metadata: z.record(z.string().max(256), Base64).default({}), data: Base64.default('') }).strict();
export const CodecBodySchema = z.object({ payloads: z.array(CodecPayloadSchema).max(10_000) }).strict();
type CodecPayload = z.infer<typeof CodecPayloadSchema>;

function toPayload(json: CodecPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(json.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(json.data, 'base64')),
  };
}

function toJson(payload: Payload): CodecPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload.metadata ?? {})) if (v) metadata[k] = Buffer.from(v).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/** The embedded Web UI's origins unless CODEC_ALLOWED_ORIGINS names others. */
export function codecAllowedOrigins(env: Env): string[] {
  if (env.CODEC_ALLOWED_ORIGINS) return env.CODEC_ALLOWED_ORIGINS.split(',').map((o) => o.trim());
  return [`http://localhost:${env.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`];
}

export interface CodecRouterDeps {
  /** The API client's own codecs, so the endpoint decodes exactly what the platform encodes. */
  codecs: readonly PayloadCodec[];
  auth: Authenticator;
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
}

export function codecRouter(deps: CodecRouterDeps): Router {
  const router = Router();
  const origins = new Set(deps.allowedOrigins);

  // CORS first, errors included: the Web UI must be able to read a 401 or 403 to show it.
  router.use('/codec', (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && origins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'Authorization, Content-Type, X-Namespace, X-API-Key');
      res.setHeader('access-control-max-age', '600');
      res.status(204).end();
      return;
    }
    next();
  });

  const convert = (direction: 'encode' | 'decode') => [
    express.json({ limit: deps.maxBodyBytes, strict: true }),
    deps.auth.authenticate,
    requireAdmin,
    async (req: Request, res: Response) => {
      const body = parseInput(CodecBodySchema, req.body ?? {});
      let payloads = body.payloads.map(toPayload);
      try {
        // Encoding runs the codecs in order, decoding in reverse, as Temporal's clients do.
        for (const codec of direction === 'encode' ? deps.codecs : [...deps.codecs].reverse()) payloads = await codec[direction](payloads);
      } catch (err) {
        if (err instanceof PayloadDecryptionError) throw new ApiError(400, 'invalid_request_error', 'payload_not_decodable', err.message);
        throw err;
      }
      res.json({ payloads: payloads.map(toJson) });
    },
  ];
  router.post('/codec/decode', ...convert('decode'));
  router.post('/codec/encode', ...convert('encode'));
  return router;
}
