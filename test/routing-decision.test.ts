import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { heuristicEstimator, type ComplexityEstimate } from '../activities/routing/complexity-estimator.ts';
import { CatalogueSchema, costUsd } from '../activities/routing/model-spec.ts';
import { decideRoute, NoRouteError } from '../activities/routing/route-decision.ts';

const catalogue = CatalogueSchema.parse(JSON.parse(readFileSync(new URL('../infra/models/catalogue.json', import.meta.url), 'utf8')));
const models = catalogue.models;

const estimate = (over: Partial<ComplexityEstimate>): ComplexityEstimate => ({
  score: 0.1,
  tier: 1,
  inputTokens: 100,
  outputTokens: 100,
  requires: [],
  signals: {},
  ...over,
});

describe('the model catalogue', () => {
  it('parses, has unique ids and prices for every model', () => {
    const ids = models.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(models.some((m) => m.provider === 'local')).toBe(true);
    expect(costUsd({ pricing: { inputPerMTok: 2, outputPerMTok: 8 } }, 1_000_000, 500_000)).toBe(6);
  });
});

describe('complexity estimator', () => {
  it('rates a classification as simple and a proof as frontier', () => {
    const simple = heuristicEstimator.estimate({ messages: [{ role: 'user', content: 'Classify the sentiment: "great product"' }] });
    expect(simple.tier).toBe(1);
    const proof = heuristicEstimator.estimate({
      messages: [{ role: 'user', content: 'Prove step by step that the integral of x^2 e^{-x} over [0, inf) is 2, then derive the general formula and justify each step by induction.' }],
    });
    expect(proof.tier).toBe(4);
    expect(proof.signals).toHaveProperty('proof');
    expect(proof.signals).toHaveProperty('math');
  });

  it('sees code and long context', () => {
    const code = heuristicEstimator.estimate({ messages: [{ role: 'user', content: 'Why does this fail?\n```js\nconst x = y.map(z => z.id);\n```' }] });
    expect(code.signals).toHaveProperty('code');
    const long = heuristicEstimator.estimate({ messages: [{ role: 'user', content: 'word '.repeat(40_000) }] });
    expect(long.signals).toHaveProperty('long_context');
    expect(long.inputTokens).toBeGreaterThan(32_000);
  });
});

describe('route decision', () => {
  it('picks the cheapest model of the required tier and lists fallbacks', () => {
    const d = decideRoute(estimate({ tier: 3, score: 0.6 }), models);
    const chosen = models.find((m) => m.id === d.chosen.model)!;
    expect(chosen.tier).toBeGreaterThanOrEqual(3);
    for (const m of models.filter((x) => x.tier >= 3)) {
      expect(costUsd(m, 100, 100)).toBeGreaterThanOrEqual(d.chosen.estimatedCostUsd);
    }
    expect(d.fallbacks).toHaveLength(2);
    expect(d.fallbacks.every((f) => f.estimatedCostUsd >= d.chosen.estimatedCostUsd)).toBe(true);
    expect(d.reasons.join(' ')).toMatch(/cheapest/);
  });

  it('honours capabilities, context, quality floor and latency ceiling', () => {
    const vision = decideRoute(estimate({ requires: ['vision'] }), models);
    expect(models.find((m) => m.id === vision.chosen.model)!.capabilities.vision).toBe(true);
    const huge = decideRoute(estimate({ inputTokens: 500_000 }), models);
    expect(models.find((m) => m.id === huge.chosen.model)!.contextWindow).toBeGreaterThanOrEqual(500_100);
    const floor = decideRoute(estimate({}), models, { qualityFloor: 0.85 });
    expect(models.find((m) => m.id === floor.chosen.model)!.quality).toBeGreaterThanOrEqual(0.85);
    const fast = decideRoute(estimate({ tier: 4 }), models, { latencyCeilingMs: 5000 });
    expect(fast.chosen.model).toBe('claude-opus-4-5');
  });

  it('falls back to the strongest model when nothing meets every constraint, and says so', () => {
    const d = decideRoute(estimate({ tier: 4 }), models, { latencyCeilingMs: 100 });
    expect(d.reasons.join(' ')).toMatch(/no model meets every constraint/);
    expect(models.find((m) => m.id === d.chosen.model)!.tier).toBe(4);
  });

  it('refuses when no model can run the request at all', () => {
    expect(() => decideRoute(estimate({ inputTokens: 5_000_000 }), models)).toThrow(NoRouteError);
  });
});
