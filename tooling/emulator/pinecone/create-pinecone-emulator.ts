/**
 * A local Pinecone: a real HTTP server speaking the data-plane API the official SDK
 * (`@pinecone-database/pinecone`) uses — upsert, query, fetch, fetch by metadata, delete, update,
 * list, describe index stats — over one in-memory cosine index of a fixed dimension, plus the
 * control-plane `GET /indexes/{name}` on the same port. Errors come back in the service's shapes,
 * with its limits; faults and latency can be injected to test retries.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal } from '../listen-local.ts';
import { headerValue, readJsonBody, sendJson, sleep } from '../http-io.ts';
import { applyConfig, handleControl, resetState, type PineconeEmulatorConfig, type PineconeEmulatorState } from './control-api.ts';
import { controlPlaneAnswer } from './control-plane.ts';
import { DATA_PLANE_ROUTES } from './data-plane.ts';
import { createPineconeFaultQueue, faultMessage, type PineconeFault } from './faults.ts';
import { createPineconeStats, type PineconeEmulatorStats } from './stats.ts';
import { createVectorIndex } from './vector-index.ts';
import { badRequest, GRPC, PineconeWireError } from './wire-errors.ts';

export type { PineconeEmulatorStats } from './stats.ts';
export type { PineconeFault } from './faults.ts';
export type { PineconeEmulatorConfig } from './control-api.ts';

export interface PineconeEmulatorOptions {
  /** The index's dimension; vectors of any other length are refused with a 400. */
  dimension: number;
  /** When set, calls without this `Api-Key` header get a 401. Unset: any key is accepted. */
  apiKey?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** What `GET /indexes/{name}` answers to; other names get a 404. */
  indexName?: string;
  latencyMs?: number;
}

export interface PineconeEmulator {
  /** e.g. `http://127.0.0.1:5081`: both the index host and the `controllerHostUrl`. */
  url: string;
  port: number;
  indexName: string;
  dimension: number;
  stats(): PineconeEmulatorStats;
  /** Fails the next `count` calls (to `path`, when given) with the status, or drops them. */
  injectFault(fault: PineconeFault): void;
  configure(config: Partial<PineconeEmulatorConfig>): PineconeEmulatorConfig;
  /** Clears faults, stats and settings; with `{ vectors: true }` also every stored vector. */
  reset(options?: { vectors?: boolean }): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

export const DEFAULT_INDEX_NAME = 'soma-local';

/** Without a valid key the service's edge answers a bare 401 before any route runs. */
function sendUnauthorized(res: ServerResponse): void {
  res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'API key is missing or invalid' });
  res.end('Unauthorized');
}

interface Server {
  state: PineconeEmulatorState;
  apiKey: string | undefined;
  index: { name: string; dimension: number; host: string };
}

async function route(req: IncomingMessage, res: ServerResponse, server: Server): Promise<void> {
  const { state } = server;
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const path = url.pathname;
  if (path.startsWith('/_emulator/')) return handleControl(req, res, path, state);

  const method = req.method ?? 'GET';
  state.stats.request(`${method} ${path}`);
  res.on('finish', () => state.stats.answered(res.statusCode));
  const body = await readJsonBody(req);
  if (state.config.latencyMs > 0) await sleep(state.config.latencyMs);

  const fault = state.faults.take(path);
  if (fault) {
    state.stats.fault();
    if (fault.status === 'reset') {
      state.stats.answered('reset');
      req.socket.destroy();
      return;
    }
    const grpc = fault.status === 429 ? GRPC.RESOURCE_EXHAUSTED : fault.status === 500 ? GRPC.INTERNAL : GRPC.UNAVAILABLE;
    const headers = fault.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(fault.retryAfterSeconds) };
    return sendJson(res, fault.status, new PineconeWireError(grpc, faultMessage(fault.status)).body(), headers);
  }

  if (server.apiKey !== undefined && headerValue(req, 'api-key') !== server.apiKey) return sendUnauthorized(res);

  if (method === 'GET') {
    const control = controlPlaneAnswer(path, server.index);
    if (control) return sendJson(res, control.status, control.body);
  }
  const dataRoute = DATA_PLANE_ROUTES[path];
  if (!dataRoute) return sendJson(res, 404, new PineconeWireError(GRPC.NOT_FOUND, `Not Found: ${method} ${path}`).body());
  if (dataRoute.method !== method) return sendJson(res, 405, new PineconeWireError(GRPC.UNIMPLEMENTED, `Method Not Allowed: ${method} ${path}`).body());
  try {
    if (!body.ok) throw badRequest(`Invalid request body: ${body.message}`);
    const contentLength = Number(headerValue(req, 'content-length'));
    const bodyBytes = Number.isFinite(contentLength) && contentLength > 0 ? contentLength : Buffer.byteLength(JSON.stringify(body.value ?? {}));
    sendJson(res, 200, dataRoute.handle({ body: body.value, bodyBytes, query: url.searchParams }, state.index));
  } catch (error) {
    if (!(error instanceof PineconeWireError)) throw error;
    sendJson(res, error.status, error.body());
  }
}

export async function createPineconeEmulator(options: PineconeEmulatorOptions): Promise<PineconeEmulator> {
  if (!Number.isInteger(options.dimension) || options.dimension < 1 || options.dimension > 20_000) {
    throw new RangeError(`dimension must be an integer from 1 to 20000 (got ${options.dimension})`);
  }
  const initialConfig = { latencyMs: options.latencyMs ?? 0 };
  const state: PineconeEmulatorState = {
    index: createVectorIndex(options.dimension),
    faults: createPineconeFaultQueue(),
    stats: createPineconeStats(),
    config: { ...initialConfig },
    initialConfig,
  };
  const indexName = options.indexName ?? DEFAULT_INDEX_NAME;
  const server: Server = { state, apiKey: options.apiKey, index: { name: indexName, dimension: options.dimension, host: '' } };

  const http = createServer({ keepAlive: true }, (req, res) => {
    route(req, res, server).catch(() => {
      // A bug in the emulator must look like a service 500, not take the process down.
      if (!res.headersSent) sendJson(res, 500, new PineconeWireError(GRPC.INTERNAL, 'emulator internal error').body());
      else res.destroy();
    });
  });

  const { url, port, close } = await listenLocal(http, options);
  server.index.host = url;

  return {
    url,
    port,
    indexName,
    dimension: options.dimension,
    stats: () => state.stats.snapshot(),
    injectFault: (fault) => state.faults.enqueue(fault),
    configure: (config) => applyConfig(state, config),
    reset: (resetOptions) => resetState(state, resetOptions),
    close,
  };
}
