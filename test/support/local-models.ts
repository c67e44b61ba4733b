import { expect } from 'vitest';
import type { TestPlatform } from './platform.ts';

/**
 * Registers `local/<name>` models served by the suite's own emulator (platform option
 * `localModels`): unique names keep each suite's breakers and faults to itself, since breaker
 * state is shared through Postgres. Priced (1/2 USD per MTok), tier 1, unless overridden.
 */
export async function registerLocalModels(p: TestPlatform, ids: readonly string[], overrides: Record<string, unknown> = {}): Promise<void> {
  for (const id of ids) {
    const res = await p.call(`/v1/admin/models/${encodeURIComponent(id)}`, {
      key: p.adminKey,
      method: 'PUT',
      body: {
        provider: 'local',
        provider_model: id.slice('local/'.length),
        context_window: 100_000,
        max_output_tokens: 4096,
        capabilities: { tools: false, vision: false, json_mode: true, streaming: true },
        pricing: { input_per_mtok: 1, output_per_mtok: 2 },
        tier: 1,
        quality: 0.5,
        typical_latency_ms: 100,
        ...overrides,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}
