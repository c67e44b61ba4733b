/**
 * `POST /v1/embeddings` in the OpenAI wire format. Vectors are stand-ins: unit vectors drawn from
 * a generator seeded with a hash of (model, input), so the same text always gets the same vector
 * and different texts look unrelated. Semantics are not simulated; sizes, shapes, usage, errors,
 * faults and latency are, as for chat.
 *
 * Sizes follow the model: text-embedding-3-small 1536, text-embedding-3-large 3072, ada-002 1536,
 * any other name 1536. `dimensions` shortens like OpenAI's text-embedding-3 models do: the first
 * n components of the full vector, renormalised, so a shortened vector is a prefix of the full one
 * up to scale. `encoding_format: "base64"` (what the official SDK asks for by default) answers
 * little-endian float32 bytes.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EmulatorState } from './emulator-state.ts';
import { sendJson } from './http-io.ts';
import { admitCall, answerFault, type Parsed } from './model-call.ts';
import { openAIWire } from './openai-wire.ts';
import { countWords } from './simulated-answer.ts';
import { describeIssue } from './wire-format.ts';

const NATIVE_DIMENSIONS: Readonly<Record<string, { size: number; shortens: boolean }>> = {
  'text-embedding-3-small': { size: 1536, shortens: true },
  'text-embedding-3-large': { size: 3072, shortens: true },
  'text-embedding-ada-002': { size: 1536, shortens: false },
};
const OTHER_MODEL_SIZE = 1536;
const MAX_INPUTS = 2048;
/** OpenAI's per-input limit; the emulator counts words as tokens, as it does for chat. */
const MAX_INPUT_TOKENS = 8192;

const tokenArray = z.array(z.number().int().min(0));
const requestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()), tokenArray, z.array(tokenArray)]),
  dimensions: z.number().int().positive().nullish(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  user: z.string().nullish(),
});

export interface EmbeddingCall {
  model: string;
  /** Each input as the text its vector is derived from (token arrays as their ids). */
  inputs: string[];
  /** Tokens per input (words, or the length of a token array). */
  tokens: number[];
  size: number;
  /** The full vector's length when the call shortens it. */
  nativeSize: number;
  base64: boolean;
}

const INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

function parseEmbeddingCall(body: unknown): Parsed<EmbeddingCall> {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, ...describeIssue(parsed.error) };
  const request = parsed.data;
  const raw = request.input;
  // One string or one token array is a single input; a list of either is a batch.
  const items: Array<string | number[]> = typeof raw === 'string' || (raw.length > 0 && typeof raw[0] === 'number') ? [raw as string | number[]] : (raw as Array<string | number[]>);
  if (items.length === 0 || items.length > MAX_INPUTS || items.some((item) => item.length === 0)) {
    return { ok: false, message: INVALID_INPUT, param: 'input' };
  }
  const inputs = items.map((item) => (typeof item === 'string' ? item : `tokens:${item.join(',')}`));
  const tokens = items.map((item) => (typeof item === 'string' ? Math.max(1, countWords(item)) : item.length));
  const longest = Math.max(...tokens);
  if (longest > MAX_INPUT_TOKENS) {
    return {
      ok: false,
      param: 'input',
      message: `This model's maximum context length is ${MAX_INPUT_TOKENS} tokens, however you requested ${longest} tokens (${longest} in your prompt; 0 for the completion). Please reduce your prompt; or completion length. (simulated)`,
    };
  }

  const known = NATIVE_DIMENSIONS[request.model];
  const asked = request.dimensions ?? undefined;
  if (known && !known.shortens && asked !== undefined && asked !== known.size) {
    return { ok: false, message: 'This model does not support specifying dimensions.', param: 'dimensions' };
  }
  if (known && asked !== undefined && asked > known.size) {
    return { ok: false, message: `This model's maximum dimensions is ${known.size}; you requested ${asked}. (simulated)`, param: 'dimensions' };
  }
  const nativeSize = known?.size ?? Math.max(OTHER_MODEL_SIZE, asked ?? 0);
  return {
    ok: true,
    call: { model: request.model, inputs, tokens, size: asked ?? nativeSize, nativeSize, base64: request.encoding_format === 'base64' },
  };
}

/** xoshiro128** seeded from a SHA-256: fast, and the same numbers on every platform. */
function generator(seed: Buffer): () => number {
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 2 ** 32;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The deterministic stand-in vector of one input: unit length, `size` components. */
export function simulatedEmbedding(model: string, input: string, size: number, nativeSize = size): Float32Array {
  const next = generator(createHash('sha256').update(model).update('\0').update(input).digest());
  const full = new Float64Array(nativeSize);
  for (let i = 0; i < nativeSize; i++) full[i] = next() * 2 - 1;
  let norm = 0;
  for (let i = 0; i < size; i++) norm += full[i]! * full[i]!;
  const scale = 1 / Math.sqrt(norm);
  const vector = new Float32Array(size);
  for (let i = 0; i < size; i++) vector[i] = full[i]! * scale;
  return vector;
}

function responseBody(call: EmbeddingCall): unknown {
  const promptTokens = call.tokens.reduce((sum, n) => sum + n, 0);
  return {
    object: 'list',
    data: call.inputs.map((input, index) => {
      const vector = simulatedEmbedding(call.model, input, call.size, call.nativeSize);
      return {
        object: 'embedding',
        index,
        embedding: call.base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector),
      };
    }),
    model: call.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

export async function handleEmbeddingsCall(req: IncomingMessage, res: ServerResponse, state: EmulatorState): Promise<void> {
  const admitted = await admitCall(openAIWire, req, res, state, parseEmbeddingCall);
  if (!admitted) return;
  if (admitted.fault) return answerFault(req, admitted.fault, admitted.fail);
  sendJson(res, 200, responseBody(admitted.call));
}
