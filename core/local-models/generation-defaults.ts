/**
 * Generation settings for tiny local models (SmolLM2-135M class). Measured on a shared 2-core
 * machine (docs/docs/concepts/local-models.md): node-llama-cpp's prebuilt has no OpenMP, so more
 * than one thread busy-waits and collapses under load — one thread is the fast setting there.
 */
export const LOCAL_GENERATION_DEFAULTS = {
  /** Enough for a short conversation; a 135M model is not coherent much beyond it anyway. */
  contextSize: 2048,
  threads: 1,
  /** Used when the request gives no max_tokens: small models ramble and repeat past ~100 tokens. */
  defaultMaxTokens: 256,
  /** The ceiling whatever the request asks: one request must not hold the only slot for minutes. */
  maxTokensCap: 1024,
  /** A low default keeps a tiny model's short answers on the most likely (usually correct) path. */
  temperature: 0.2,
  /** Tiny models loop on their own phrases; these penalties are what keeps answers readable. */
  repeatPenalty: 1.15,
  frequencyPenalty: 0.2,
  presencePenalty: 0,
} as const;

/** The clamp every request goes through: the caller's max_tokens, never above the cap. */
export function effectiveMaxTokens(requested: number | undefined, cap: number = LOCAL_GENERATION_DEFAULTS.maxTokensCap): number {
  return Math.max(1, Math.min(requested ?? LOCAL_GENERATION_DEFAULTS.defaultMaxTokens, cap));
}
