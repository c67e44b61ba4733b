/**
 * The local provider adapter: any OpenAI-compatible server (Ollama, vLLM, llama.cpp server)
 * through the `openai` SDK. It exists only when LOCAL_MODEL_BASE_URL is set; the emulator never
 * stands in for it, since there is no vendor to simulate.
 */
import { classifyOpenAIError, createOpenAIProvider } from './openai-provider.ts';
import type { ProviderAdapter } from './provider-adapter.ts';

// Annotated, not inferred: ProviderId is derived from this type, so it must not depend on itself.
export const localProvider: ProviderAdapter<'local'> = {
  id: 'local',
  label: 'Local (OpenAI-compatible)',
  env: { required: 'LOCAL_MODEL_BASE_URL', apiKey: 'LOCAL_MODEL_API_KEY', baseUrl: 'LOCAL_MODEL_BASE_URL' },
  models: [/^local\//],
  // Compatible servers know max_tokens, not OpenAI's newer max_completion_tokens.
  create: (connection) => createOpenAIProvider({ id: 'local', maxTokensParam: 'max_tokens', ...connection }),
  classify: (error) => classifyOpenAIError('local', error),
};
