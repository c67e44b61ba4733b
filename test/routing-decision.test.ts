import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { heuristicEstimator, tierForScore, type ComplexityEstimate, type RoutingMessage } from '../core/routing/complexity-estimator.ts';
import { CatalogueSchema, costUsd } from '../core/routing/model-spec.ts';
import { costFloor, decideRoute, DEFAULT_COST_WEIGHT, NoRouteError, routeUtility } from '../core/routing/route-decision.ts';

const catalogue = CatalogueSchema.parse(JSON.parse(readFileSync(new URL('../infra/models/catalogue.json', import.meta.url), 'utf8')));
const models = catalogue.models;

const byId = new Map(models.map((m) => [m.id, m]));
const ask = (content: string) => heuristicEstimator.estimate({ messages: [{ role: 'user', content }] });
const chat = (messages: RoutingMessage[]) => heuristicEstimator.estimate({ messages });

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

describe('complexity estimator: what is asked decides the tier', () => {
  it('orders the kinds of work: lookup < writing and routine code < analysis < proof', () => {
    const cases: [string, 1 | 2 | 3 | 4, string][] = [
      ["Extract the date from: 'Invoice issued on 3 March 2026.'", 1, 'lookup'],
      ['Draft a polite reply to a customer whose parcel arrived late.', 2, 'writing'],
      ['Write a SQL query that returns the ten newest orders.', 2, 'code'],
      ['Compare Kafka and RabbitMQ for an event pipeline and recommend one.', 3, 'analysis'],
      ['Prove that there are infinitely many primes.', 4, 'proof'],
    ];
    const scores = cases.map(([content, tier, kind]) => {
      const e = ask(content);
      expect(e.signals, content).toHaveProperty(kind);
      expect(e.tier, content).toBe(tier);
      return e.score;
    });
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
  });

  it('caps the modifiers so that analysis, however elaborate, never reaches the proof tier', () => {
    const elaborate = ask(
      'Analyze the trade-offs, compare the options, evaluate the risks and design a migration plan for our sharded database, then estimate the cost, justify each step and recommend one:\n```sql\nSELECT * FROM orders;\nUPDATE orders SET state = 1;\n```',
    );
    expect(elaborate.signals).toHaveProperty('analysis');
    expect(elaborate.score).toBeLessThanOrEqual(0.75);
    expect(elaborate.tier).toBe(3);
  });

  it('reads pasted material as material, not as instructions', () => {
    const pasted = 'We must prove to the board that the new design beats the old architecture. '.repeat(12);
    const e = ask(`Summarise this memo in three bullet points: ${pasted}`);
    expect(e.signals).toHaveProperty('writing');
    expect(e.signals).toHaveProperty('material');
    expect(e.signals).not.toHaveProperty('proof');
    expect(e.tier).toBe(2);
    // A quoted question is not a second deliverable.
    const quoted = ask("Translate 'Where is the train station?' into French.");
    expect(quoted.signals).not.toHaveProperty('multi_part');
    expect(quoted.tier).toBe(1);
  });

  it('sees a diagnosis without code, a proof phrased as an argument, and comparisons by "versus"', () => {
    const leak = ask("Our service's memory grows until the pod is OOM-killed. What is going on, and how do we fix it?");
    expect(leak.signals).toHaveProperty('debugging');
    expect(leak.tier).toBe(3);
    expect(ask('Is two-phase commit safe when the coordinator crashes? Give a precise safety argument.').tier).toBe(4);
    expect(ask('Walk me through fan-out on write versus fan-out on read for a news feed.').signals).toHaveProperty('analysis');
  });

  it('lets a follow-up inherit the conversation, except small talk', () => {
    const earlier: RoutingMessage[] = [
      { role: 'user', content: 'My build fails with a deadlock in the worker pool:\n```go\nmu.Lock()\nch <- x\nmu.Unlock()\n```' },
      { role: 'assistant', content: 'The send blocks while the mutex is held; the receiver needs the same mutex.' },
    ];
    const followUp = chat([...earlier, { role: 'user', content: 'And how should I restructure it?' }]);
    expect(followUp.signals).toHaveProperty('conversation');
    const thanks = chat([...earlier, { role: 'user', content: 'That fixed it, thanks!' }]);
    expect(thanks.tier).toBe(1);
    expect(Object.keys(thanks.signals)).toEqual(['lookup']);
  });

  it('grades long context and reads only a bounded prefix of each message', () => {
    const e = ask(`${'lorem ipsum '.repeat(20_000)} Prove the theorem.`);
    expect(e.signals).toHaveProperty('long_context');
    expect(e.signals).not.toHaveProperty('proof');
    const started = performance.now();
    for (let i = 0; i < 100; i++) ask(`Find the error in this log:\n${'2026-03-14T14:00:00Z INFO request ok\n'.repeat(5_000)}`);
    expect((performance.now() - started) / 100).toBeLessThan(1);
  });

  it('maps scores to tiers with the default or given thresholds', () => {
    expect([0.1, 0.3, 0.6, 0.9].map((s) => tierForScore(s))).toEqual([1, 2, 3, 4]);
    expect(tierForScore(0.3, [0.5, 0.6, 0.7])).toBe(1);
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

describe('route decision: one objective of quality and cost', () => {
  const cost = (id: string, e: ComplexityEstimate) => costUsd(byId.get(id)!, e.inputTokens, e.outputTokens);
  const paid = models.filter((m) => m.provider !== 'local');
  const scaled = (k: number) => paid.map((m) => ({ ...m, pricing: { inputPerMTok: m.pricing.inputPerMTok * k, outputPerMTok: m.pricing.outputPerMTok * k } }));

  it('takes the model with the best quality minus cost weight × log2 cost ratio, and says so', () => {
    const e = estimate({ tier: 1, inputTokens: 100, outputTokens: 150 });
    const d = decideRoute(e, paid);
    const cheapest = [...paid].filter((m) => m.tier >= 1).sort((a, b) => cost(a.id, e) - cost(b.id, e))[0]!;
    const floor = costFloor(paid.map((m) => cost(m.id, e)));
    const u = (id: string) => routeUtility(byId.get(id)!.quality, cost(id, e), cost(cheapest.id, e), floor, DEFAULT_COST_WEIGHT);
    for (const m of paid.filter((x) => x.typicalLatencyMs <= 2 * cheapest.typicalLatencyMs)) expect(u(d.chosen.model)).toBeGreaterThanOrEqual(u(m.id) - 1e-12);
    if (d.chosen.model !== cheapest.id) expect(d.reasons.join(' ')).toMatch(/higher utility/);
  });

  it('has no price cliff: scaling every price, or the request, changes no decision', () => {
    for (const tier of [1, 2, 3, 4] as const) {
      for (const [input, output] of [[100, 150], [2_000, 4_000], [50_000, 2_000]] as const) {
        const e = estimate({ tier, inputTokens: input, outputTokens: output });
        const base = decideRoute(e, scaled(1)).chosen.model;
        for (const k of [0.01, 0.1, 10, 100]) expect(decideRoute(e, scaled(k)).chosen.model, `tier ${tier} ×${k}`).toBe(base);
      }
      // The same mix of input and output at 10× the size: the same choice.
      expect(decideRoute(estimate({ tier, inputTokens: 1_000, outputTokens: 1_500 }), paid).chosen.model).toBe(decideRoute(estimate({ tier, inputTokens: 10_000, outputTokens: 15_000 }), paid).chosen.model);
    }
  });

  it('a larger cost weight never picks a dearer model; 0 headroom (or an infinite weight) is the cheapest adequate', () => {
    const e = estimate({ tier: 1, inputTokens: 300, outputTokens: 300 });
    let previous = Infinity;
    for (const w of [0, 0.02, 0.05, 0.1, 0.2, 1]) {
      const c = decideRoute(e, paid, { costWeight: w }).chosen.estimatedCostUsd;
      expect(c).toBeLessThanOrEqual(previous);
      previous = c;
    }
    const off = decideRoute(e, models, { upgradeAllowanceUsd: 0 });
    const inf = decideRoute(e, models, { costWeight: Infinity });
    expect(off.chosen.model).toBe(inf.chosen.model);
    for (const m of models.filter((x) => x.tier >= 1)) expect(cost(m.id, e)).toBeGreaterThanOrEqual(off.chosen.estimatedCostUsd);
  });

  it('never moves to a much slower model at the same price', () => {
    // o3 costs what gpt-4.1 costs per token, but is a reasoning model with ~7x the latency.
    const t3 = decideRoute(estimate({ tier: 3, inputTokens: 100, outputTokens: 100 }), models, { costWeight: 0 });
    expect(t3.chosen.model).not.toBe('o3');
  });
});
