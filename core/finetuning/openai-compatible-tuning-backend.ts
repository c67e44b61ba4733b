import type { TuningBackend } from './tuning-backend.ts';
import { createOpenAITuningBackend } from './openai-tuning-backend.ts';

/**
 * Any server that speaks the OpenAI files + fine-tuning wire format at another base URL (a
 * self-hosted trainer, a gateway, the provider emulator). Same adapter, its own id so jobs and
 * costs are recorded against the right service.
 */
export function createOpenAICompatibleTuningBackend(options: { id: string; baseURL: string; apiKey?: string; fetch?: typeof globalThis.fetch }): TuningBackend {
  return createOpenAITuningBackend({ id: options.id, baseURL: options.baseURL, apiKey: options.apiKey ?? 'not-needed', ...(options.fetch ? { fetch: options.fetch } : {}) });
}
