/**
 * The longest example (in tokens) each base model accepts for fine-tuning, from the OpenAI
 * fine-tuning guide. An example over its model's limit is dropped by cleaning (OpenAI would
 * truncate it silently, which trains on a cut-off answer). Unknown models get the smallest
 * published limit: a safe default until the model's own figure is added here.
 */
export const TRAINING_TOKEN_LIMITS: Readonly<Record<string, number>> = {
  'gpt-4o-mini-2024-07-18': 65_536,
  'gpt-4o-mini': 65_536,
  'gpt-4o-2024-08-06': 65_536,
  'gpt-4o': 65_536,
  'gpt-4.1-mini-2025-04-14': 65_536,
  'gpt-4.1-2025-04-14': 65_536,
  'gpt-3.5-turbo-0125': 16_385,
  'gpt-3.5-turbo': 16_385,
};
export const DEFAULT_TRAINING_TOKEN_LIMIT = 16_385;

export const trainingTokenLimit = (model: string | undefined) =>
  (model && TRAINING_TOKEN_LIMITS[model]) || DEFAULT_TRAINING_TOKEN_LIMIT;
