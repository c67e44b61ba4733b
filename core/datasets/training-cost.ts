/**
 * What training on a dataset would cost, per backend and base model: billed tokens are the
 * dataset's tokens times the epochs. Prices are USD per million training tokens from the
 * providers' price pages (2025); the emulator bills nothing but is listed so a user sees the
 * figure the real backend would charge next to it. An estimate, never a bill: providers count
 * tokens with their own tokenizer and may pick the epoch count themselves.
 */
export const TRAINING_PRICES_PER_MTOK: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  openai: {
    'gpt-4o-mini-2024-07-18': 3,
    'gpt-4o-2024-08-06': 25,
    'gpt-4.1-mini-2025-04-14': 5,
    'gpt-4.1-2025-04-14': 25,
    'gpt-3.5-turbo-0125': 8,
  },
};

/** OpenAI's default when it chooses on its own for a small dataset. */
export const DEFAULT_EPOCHS = 3;

export interface TrainingCostEstimate {
  backend: string;
  base_model: string;
  epochs: number;
  billed_tokens: number;
  usd: number;
}

export function estimateTrainingCosts(trainTokens: number, epochs = DEFAULT_EPOCHS): TrainingCostEstimate[] {
  const out: TrainingCostEstimate[] = [];
  for (const [backend, models] of Object.entries(TRAINING_PRICES_PER_MTOK)) {
    for (const [model, price] of Object.entries(models)) {
      const billed = trainTokens * epochs;
      out.push({ backend, base_model: model, epochs, billed_tokens: billed, usd: Math.round(((billed / 1e6) * price) * 1e4) / 1e4 });
    }
  }
  return out;
}
