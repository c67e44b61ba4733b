import type * as Wire from '../generated/api-types.js';
import type { ProviderId } from './shared.js';

/** A model as `admin.models.put` takes it. */
export interface ModelInput {
  provider: ProviderId;
  /** The provider's own name, e.g. `llama3.2` for `local/llama3.2`. */
  provider_model: string;
  context_window: number;
  max_output_tokens: number;
  capabilities: { tools: boolean; vision: boolean; json_mode: boolean; streaming: boolean };
  /** USD per million tokens. */
  pricing: { input_per_mtok: number; output_per_mtok: number };
  /** 1 (cheapest) .. 4. */
  tier: number;
  /** 0..1, used by `auto` routing. */
  quality: number;
  typical_latency_ms: number;
  /** Default true. */
  enabled?: boolean;
}

/** A registry model: what an admin puts, plus id, `source` (`catalogue`, shipped, or `admin`, saved through the API) and times (the generated wire type). */
export type Model = Wire.Model;
