/**
 * The provider emulator: a real HTTP server speaking the OpenAI Chat Completions and Embeddings
 * and the Anthropic Messages wire formats, so the official SDKs run against it unchanged. Tests, load runs, chaos
 * runs and the keyless dev stack use it; every response is labelled `x-soma-simulated: true`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal } from './listen-local.ts';
import { anthropicWire } from './anthropic-wire.ts';
import { applyConfig, applyFault, handleControl, resetState, type FaultRequest } from './control-api.ts';
import type { EmulatorConfig, EmulatorState } from './emulator-state.ts';
import { createFaultPlan } from './fault-plan.ts';
import { sendJson } from './http-io.ts';
import { handleModelCall } from './model-call.ts';
import { handleEmbeddingsCall } from './openai-embeddings.ts';
import { createFilesState, handleFilesCall, type FilesState } from './openai-files.ts';
import { createFineTuningState, handleFineTuningCall, handleFineTuningControl, type FineTuningState } from './openai-fine-tuning.ts';
import { createRequestStats, type EmulatorStats } from './request-stats.ts';
import { openAIWire } from './openai-wire.ts';

export type { EmulatorConfig } from './emulator-state.ts';
export type { EmulatorStats } from './request-stats.ts';
export type { FaultRequest } from './control-api.ts';

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  latencyMs?: number;
  chunkDelayMs?: number;
  /** When set, calls without this key (Bearer for OpenAI, x-api-key for Anthropic) get a 401. */
  requireApiKey?: string;
  /** What `GET /v1/models` lists; calls for other model names are still answered. */
  models?: string[];
}

export interface Emulator {
  /** e.g. `http://127.0.0.1:4010`; also the Anthropic SDK base URL. */
  url: string;
  port: number;
  /** The OpenAI SDK base URL (`${url}/v1`). */
  openaiBaseURL: string;
  /** In-process equivalents of the control API, for tests that hold the handle. */
  injectFault(fault: FaultRequest): void;
  configure(config: Partial<EmulatorConfig>): EmulatorConfig;
  stats(): EmulatorStats;
  reset(): void;
  /** Stops listening and drops open connections, including hung ones. */
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-6', 'claude-haiku-4-5', 'llama3.2'];

/** Long enough that a benchmark's client always reuses its connection between calls. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The files + fine-tuning jobs APIs keep their own state (uploaded files, simulated jobs). */
interface TuningState {
  files: FilesState;
  fineTuning: FineTuningState;
}

async function route(req: IncomingMessage, res: ServerResponse, state: EmulatorState, tuning: TuningState): Promise<void> {
  res.setHeader('x-soma-simulated', 'true');
  const path = pathOf(req.url ?? '/');
  if (path === '/_emulator/fine_tuning') return handleFineTuningControl(req, res, tuning.fineTuning);
  if (path.startsWith('/_emulator/')) return handleControl(req, res, path, state);

  state.stats.countEndpoint(path);
  if (req.method === 'POST' && path === '/v1/chat/completions') return handleModelCall(openAIWire, req, res, state);
  if (req.method === 'POST' && path === '/v1/messages') return handleModelCall(anthropicWire, req, res, state);
  if (req.method === 'POST' && path === '/v1/embeddings') return handleEmbeddingsCall(req, res, state);
  if (path === '/v1/files' || path.startsWith('/v1/files/')) return handleFilesCall(req, res, path, tuning.files);
  if (path.startsWith('/v1/fine_tuning/')) return handleFineTuningCall(req, res, path, req.url ?? path, tuning.fineTuning, tuning.files);

  // Shared paths are told apart by the header every Anthropic client sends.
  const wire = req.headers['anthropic-version'] === undefined ? openAIWire : anthropicWire;
  req.resume();
  if (req.method === 'GET' && path === '/v1/models') {
    if (state.requireApiKey !== undefined && !wire.hasValidKey(req.headers, state.requireApiKey)) {
      return sendJson(res, 401, wire.errorBody({ status: 401 }, 'req_sim_models', undefined));
    }
    return sendJson(res, 200, wire.modelList(state.models));
  }
  const message = `Invalid URL (${req.method ?? 'GET'} ${path})`;
  return sendJson(res, 404, wire.errorBody({ status: 404, reason: 'unknown_route', message }, 'req_sim_404', undefined));
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const initialConfig = { latencyMs: options.latencyMs ?? 0, chunkDelayMs: options.chunkDelayMs ?? 0 };
  let seq = 0;
  const state: EmulatorState = {
    config: { ...initialConfig },
    initialConfig,
    faults: createFaultPlan(),
    stats: createRequestStats(),
    requireApiKey: options.requireApiKey,
    models: options.models ?? DEFAULT_MODELS,
    nextSeq: () => ++seq,
  };

  const tuning: TuningState = { files: createFilesState(), fineTuning: createFineTuningState() };
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    route(req, res, state, tuning).catch(() => {
      // A bug in the emulator must look like a provider 500, not take the process down.
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'emulator internal error' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;

  const { url, port, close } = await listenLocal(server, options);
  return {
    url,
    port,
    openaiBaseURL: `${url}/v1`,
    injectFault: (fault) => applyFault(state, fault),
    configure: (config) => applyConfig(state, config),
    stats: () => state.stats.snapshot(),
    reset: () => resetState(state),
    close,
  };
}
