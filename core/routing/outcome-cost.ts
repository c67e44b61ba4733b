import { z } from 'zod';
import { estimateTokens } from './complexity-estimator.ts';
import type { ModelOutcome } from './outcome-record.ts';

/**
 * Prices of the models an outcome file names, USD per million tokens (the `models.json` next to
 * the outcome files: `{ models: { <name>: { input_usd_per_mtok, output_usd_per_mtok } } }`). The
 * benchmark prices each data set with its own models' prices, not the platform catalogue's.
 */
export const OutcomePricesSchema = z.object({
  models: z.record(
    z.string(),
    z.object({ input_usd_per_mtok: z.number().min(0).nullable(), output_usd_per_mtok: z.number().min(0).nullable() }).strip(),
  ),
});

export type OutcomePrices = ReadonlyMap<string, { input: number; output: number }>;

export function outcomePrices(json: unknown): OutcomePrices {
  const parsed = OutcomePricesSchema.parse(json);
  const prices = new Map<string, { input: number; output: number }>();
  for (const [name, p] of Object.entries(parsed.models)) {
    if (p.input_usd_per_mtok !== null && p.output_usd_per_mtok !== null) prices.set(name, { input: p.input_usd_per_mtok, output: p.output_usd_per_mtok });
  }
  return prices;
}

/** Output length assumed when an outcome records neither tokens nor characters. */
const DEFAULT_OUTPUT_TOKENS = 256;

/**
 * The cost of one outcome: measured `cost_usd` when the source has it, else measured tokens (or
 * the prompt's and answer's length at ~4 characters per token) times the model's price.
 * Undefined when neither a measured cost nor a price is known.
 */
export function outcomeCostUsd(prompt: string, model: string, outcome: ModelOutcome, prices: OutcomePrices): number | undefined {
  if (outcome.cost_usd !== undefined) return outcome.cost_usd;
  const price = prices.get(model);
  if (!price) return undefined;
  const input = outcome.input_tokens || estimateTokens(prompt);
  const output = outcome.output_tokens || (outcome.output_chars !== undefined ? Math.ceil(outcome.output_chars / 4) : DEFAULT_OUTPUT_TOKENS);
  return (input * price.input + output * price.output) / 1_000_000;
}
