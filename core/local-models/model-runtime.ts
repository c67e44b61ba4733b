import { getLlama, LlamaChatSession, LlamaCompletion, resolveChatWrapper, type ChatWrapper, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { toChatTurns, toCompletionText, type LocalChatMessage } from './chat-messages.ts';
import { effectiveMaxTokens, LOCAL_GENERATION_DEFAULTS } from './generation-defaults.ts';
import type { InstalledModel } from './installed-models.ts';
import { createRequestQueue, type RequestQueue, type RequestQueueOptions } from './request-queue.ts';

export interface LocalGenerateRequest {
  messages: LocalChatMessage[];
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  topP?: number | undefined;
  stop?: string[] | undefined;
  frequencyPenalty?: number | undefined;
  presencePenalty?: number | undefined;
  seed?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Called with each piece of text as it is generated (streaming). */
  onText?: ((text: string) => void) | undefined;
}

export interface LocalGenerateResult {
  text: string;
  finishReason: 'stop' | 'length';
  usage: { promptTokens: number; completionTokens: number };
}

export interface LocalModelRuntimeOptions {
  queue: RequestQueueOptions;
  threads?: number;
  contextSize?: number;
}

/** One loaded model: its weights, a context with one sequence per queue slot, and the queue. */
interface LoadedModel {
  model: LlamaModel;
  context: LlamaContext;
  queue: RequestQueue;
  /**
   * Resolved once per model: left to each chat session, node-llama-cpp re-reads the GGUF's chat
   * template every time, which measured 450-550 ms per request — longer than the answer.
   */
  chatWrapper: ChatWrapper | undefined;
}

export interface LocalModelRuntime {
  /**
   * Waits for a slot (or throws QueueRejection), so a caller can answer 429 before it commits to a
   * response; the returned function generates on the held slot and frees it when done.
   */
  reserve(installed: InstalledModel, signal?: AbortSignal): Promise<(request: LocalGenerateRequest) => Promise<LocalGenerateResult>>;
  loaded(): string[];
  close(): Promise<void>;
}

/**
 * The local model runtime over node-llama-cpp (llama.cpp, prebuilt, CPU). Models load on first
 * use and stay loaded. `build: 'never'` because npm does not run its postinstall and nothing may be
 * compiled at run time; `gpu: false` because there is none to probe on the machines we target.
 */
export function createLocalModelRuntime(options: LocalModelRuntimeOptions): LocalModelRuntime {
  const threads = options.threads ?? LOCAL_GENERATION_DEFAULTS.threads;
  const contextSize = options.contextSize ?? LOCAL_GENERATION_DEFAULTS.contextSize;
  let llama: Promise<Llama> | undefined;
  const models = new Map<string, Promise<LoadedModel>>();

  async function load(installed: InstalledModel): Promise<LoadedModel> {
    llama ??= getLlama({ gpu: false, build: 'never', maxThreads: threads, logLevel: 'error' as never });
    const model = await (await llama).loadModel({ modelPath: installed.path });
    const context = await model.createContext({ contextSize, sequences: options.queue.slots, threads, batchSize: 512 });
    return { model, context, queue: createRequestQueue(options.queue), chatWrapper: resolveChatWrapper(model) ?? undefined };
  }

  function loadedModel(installed: InstalledModel): Promise<LoadedModel> {
    // Keyed by path and checksum as well, so a model re-added under the same name is reloaded.
    const key = `${installed.name}\u0000${installed.path}\u0000${installed.sha256}`;
    let entry = models.get(key);
    if (!entry) {
      entry = load(installed);
      entry.catch(() => models.delete(key));
      models.set(key, entry);
    }
    return entry;
  }

  async function generate(loaded: LoadedModel, installed: InstalledModel, request: LocalGenerateRequest): Promise<LocalGenerateResult> {
    const sequence = loaded.context.getSequence();
    try {
      const before = sequence.tokenMeter.getState();
      const maxTokens = effectiveMaxTokens(request.maxTokens);
      const repeatPenalty = {
        penalty: LOCAL_GENERATION_DEFAULTS.repeatPenalty,
        frequencyPenalty: request.frequencyPenalty ?? LOCAL_GENERATION_DEFAULTS.frequencyPenalty,
        presencePenalty: request.presencePenalty ?? LOCAL_GENERATION_DEFAULTS.presencePenalty,
      };
      const sampling = {
        maxTokens,
        temperature: request.temperature ?? LOCAL_GENERATION_DEFAULTS.temperature,
        ...(request.topP !== undefined && { topP: request.topP }),
        ...(request.seed !== undefined && { seed: request.seed }),
        ...(request.stop?.length && { customStopTriggers: request.stop }),
        ...(request.signal && { signal: request.signal, stopOnAbortSignal: false }),
        ...(request.onText && { onTextChunk: request.onText }),
        repeatPenalty,
      };
      let text: string;
      let stopReason: string;
      if (installed.kind === 'chat') {
        const hasSystem = request.messages.some((m) => m.role === 'system');
        const system = !hasSystem && installed.default_system_prompt ? [{ role: 'system' as const, content: installed.default_system_prompt }] : [];
        const { history, prompt } = toChatTurns([...system, ...request.messages]);
        const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false, ...(loaded.chatWrapper && { chatWrapper: loaded.chatWrapper }) });
        try {
          session.setChatHistory([...history]);
          const answer = await session.promptWithMeta(prompt, sampling);
          text = answer.responseText;
          stopReason = answer.stopReason;
        } finally {
          session.dispose({ disposeSequence: false });
        }
      } else {
        const completion = new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false });
        try {
          const answer = await completion.generateCompletionWithMeta(toCompletionText(request.messages), sampling);
          text = answer.response;
          stopReason = answer.metadata.stopReason;
        } finally {
          completion.dispose({ disposeSequence: false });
        }
      }
      const used = sequence.tokenMeter.diff(before);
      return { text, finishReason: stopReason === 'maxTokens' ? 'length' : 'stop', usage: { promptTokens: used.usedInputTokens, completionTokens: used.usedOutputTokens } };
    } finally {
      sequence.dispose();
    }
  }

  return {
    async reserve(installed, signal) {
      const loaded = await loadedModel(installed);
      const release = await loaded.queue.acquire(signal);
      return async (request) => {
        try {
          return await generate(loaded, installed, request);
        } finally {
          release();
        }
      };
    },
    loaded: () => [...models.keys()].map((key) => key.split('\u0000')[0]!),
    async close() {
      for (const entry of models.values()) await (await entry.catch(() => undefined))?.model.dispose();
      models.clear();
      await (await llama?.catch(() => undefined))?.dispose();
    },
  };
}
