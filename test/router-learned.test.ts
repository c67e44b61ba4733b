import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOutcomeLines } from '../core/routing/outcome-record.ts';
import { outcomeCostUsd, outcomePrices } from '../core/routing/outcome-cost.ts';
import { buildRouter } from '../core/routing/router-build.ts';
import { parseArtefact, routerFromArtefact } from '../core/routing/router-artefact.ts';
import { fitRouter, prepareExamples, scoreExamples } from '../core/routing/router-training.ts';
import { deriveThreshold } from '../core/routing/router-threshold.ts';
import { auroc, costReductionAtQuality, pointAt, randomCostReductionAtQuality, routingCurve, totals } from '../core/routing/routing-curve.ts';
import { choosePair } from '../core/routing/routing-example.ts';
import { localModelDir } from '../core/embeddings/create-embedder.ts';
import { createLocalMiniLmEmbedder, type LocalMiniLmEmbedder } from '../core/embeddings/local-minilm-embedder.ts';
import { embedPrompts } from '../core/routing/prompt-embeddings.ts';
import { syntheticOutcomes } from './support/synthetic-outcomes.ts';

const NOW = new Date('2026-12-03T00:00:00Z');
const build = (seed: number, records = syntheticOutcomes(1500, 11)) =>
  buildRouter(records, new Map(), { kind: 'logistic', seed, version: `syn-${seed}`, target: { qualityRatio: 0.95 }, trainedOn: { files: ['synthetic'] }, now: NOW });

describe('outcome files', () => {
  it('parses wide and long lines and reports every bad line with its number', () => {
    const ok = parseOutcomeLines(
      [
        JSON.stringify({ id: 'a', prompt: 'p', outcomes: { m: { score: 0.5, output_chars: 40 } } }),
        JSON.stringify({ prompt_id: 'b', prompt: 'q', model: 'm', score: 1 }),
        JSON.stringify({ prompt_id: 'b', prompt: 'q', model: 'n', score: 0 }),
      ].join('\n'),
      { source: 'f' },
    );
    expect(ok.errors).toEqual([]);
    expect(ok.records.map((r) => [r.id, r.source, Object.keys(r.outcomes)])).toEqual([['a', 'f', ['m']], ['b', 'f', ['m', 'n']]]);

    const bad = parseOutcomeLines(
      [
        JSON.stringify({ prompt_id: 'b', prompt: 'q', model: 'm', score: 1 }),
        JSON.stringify({ prompt_id: 'b', prompt: 'other text', model: 'n', score: 1 }),
        JSON.stringify({ prompt_id: 'b', prompt: 'q', model: 'm', score: 1 }),
        JSON.stringify({ id: 'c', prompt: 'p', outcomes: { 'bad model name!': { score: 1 } } }),
        JSON.stringify({ id: 'd', prompt: '', outcomes: { m: { score: 1 } } }),
      ].join('\n'),
    );
    expect(bad.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(bad.errors[0]!.message).toMatch(/another prompt on line 1/);
    expect(bad.errors[1]!.message).toMatch(/appears twice/);
  });

  it('prices an outcome: measured cost first, then tokens, then lengths, with the file’s own prices', () => {
    const prices = outcomePrices({ models: { m: { input_usd_per_mtok: 1, output_usd_per_mtok: 2 }, x: { input_usd_per_mtok: null, output_usd_per_mtok: null } } });
    expect(outcomeCostUsd('abcd'.repeat(100), 'm', { score: 1, cost_usd: 0.5 }, prices)).toBe(0.5);
    expect(outcomeCostUsd('p', 'm', { score: 1, input_tokens: 1000, output_tokens: 500 }, prices)).toBeCloseTo(0.002, 9);
    expect(outcomeCostUsd('abcd'.repeat(250), 'm', { score: 1, output_chars: 4000 }, prices)).toBeCloseTo((250 + 2 * 1000) / 1e6, 9);
    expect(outcomeCostUsd('p', 'x', { score: 1 }, prices)).toBeUndefined();
  });

  it('picks the pair by the stated rule: best mean score, and the best model at most a fifth of its cost', () => {
    const records = syntheticOutcomes(200, 1).map((r) => ({ ...r, outcomes: { strong: r.outcomes.strong!, weak: r.outcomes.weak!, mid: { score: 0.9, cost_usd: 0.005 } } }));
    expect(choosePair(records, new Map())).toEqual({ strong: 'strong', weak: 'weak' });
    const samePrice = records.map((r) => ({ ...r, outcomes: { strong: r.outcomes.strong!, mid: r.outcomes.mid! } }));
    expect(choosePair(samePrice, new Map())).toBeUndefined();
  });
});

describe('learned routers', () => {
  it('trains deterministically for a seed (byte-identical artefacts), and differently for another seed', async () => {
    const a = await build(5);
    const b = await build(5);
    const c = await build(6);
    expect(a.json).toBe(b.json);
    expect(c.json.replace('syn-6', 'syn-5')).not.toBe(a.json);
  });

  it('recovers the known answer from synthetic outcomes: weak for lookups, strong for proofs', async () => {
    const built = await build(1);
    const router = routerFromArtefact(parseArtefact(built.json));
    const threshold = built.header.threshold.value;
    const fresh = syntheticOutcomes(400, 99, 0);
    const scored = fresh.map((r) => ({ family: r.family, p: router.pGoodEnough(r.prompt) }));
    const weakShare = (family: string) => scored.filter((s) => s.family === family && s.p >= threshold).length / scored.filter((s) => s.family === family).length;
    expect(weakShare('easy')).toBeGreaterThan(0.9);
    expect(weakShare('hard')).toBeLessThan(0.1);
    expect(built.header.metrics.auroc).toBeGreaterThan(0.9);
    // Calibrated: the mean probability on each kind is near its true rate (1 and 0, 5% noise in training).
    const mean = (family: string) => scored.filter((s) => s.family === family).reduce((n, s) => n + s.p, 0) / scored.filter((s) => s.family === family).length;
    expect(mean('easy')).toBeGreaterThan(0.8);
    expect(mean('hard')).toBeLessThan(0.25);
  });

  it('derives one threshold on held-out data that meets its target quality on other held-out data', () => {
    // Noisier labels: the target can only be met by keeping some traffic on the strong model.
    const records = syntheticOutcomes(3000, 21, 0.2);
    const prepared = prepareExamples(records, new Map(), 4);
    expect(prepared.pairs.synthetic).toEqual({ strong: 'strong', weak: 'weak' });
    // Split by question, nothing shared.
    const ids = (set: { prompt: string }[]) => new Set(set.map((e) => e.prompt));
    const trainPrompts = ids(prepared.train);
    expect(prepared.test.some((e) => trainPrompts.has(e.prompt))).toBe(false);
    const { router } = fitRouter(prepared.train, prepared.calibration, { kind: 'logistic', seed: 4 });
    for (const target of [0.9, 0.95]) {
      const threshold = deriveThreshold(scoreExamples(router, prepared.calibration), { qualityRatio: target });
      const test = scoreExamples(router, prepared.test);
      const point = pointAt(test, threshold);
      expect(point.qualityRatio).toBeGreaterThanOrEqual(target - 0.02);
      expect(point.costReduction).toBeGreaterThan(0.2);
      // The router beats routing at random at the same cost.
      expect(point.qualityRatio).toBeGreaterThan(point.randomQualityRatio);
    }
    const budget = deriveThreshold(scoreExamples(router, prepared.calibration), { costShare: 0.5 });
    const spent = pointAt(scoreExamples(router, prepared.test), budget);
    expect(1 - spent.costReduction).toBeLessThanOrEqual(0.55);
  });

  it('reports the curve figures the benchmark prints: AUROC, cost cut at 95% quality, random and oracle', () => {
    const prepared = prepareExamples(syntheticOutcomes(2000, 8, 0.1), new Map(), 2);
    const { router } = fitRouter(prepared.train, prepared.calibration, { kind: 'logistic', seed: 2 });
    const scored = scoreExamples(router, prepared.test);
    const t = totals(scored);
    const curve = routingCurve(scored);
    expect(curve[0]!.costReduction).toBe(0);
    expect(curve.at(-1)!.weakShare).toBe(1);
    const cut = costReductionAtQuality(curve, 0.95);
    const random = randomCostReductionAtQuality(t, 0.95);
    expect(auroc(scored)).toBeGreaterThan(0.85);
    expect(cut).toBeGreaterThan(random + 0.2);
    expect(1 - t.oracleCost / t.strongCost).toBeGreaterThanOrEqual(cut);
    // A useless router (constant) is no better than random.
    const constant = scored.map((s) => ({ ...s, p: 0.5 }));
    expect(auroc(constant)).toBe(0.5);
  });
});

describe('embedding kNN router', () => {
  it('learns from the local MiniLM embedding which prompts the weak model handles', async () => {
    const embedder: LocalMiniLmEmbedder = createLocalMiniLmEmbedder({ modelDir: localModelDir({ SOMA_STATE_DIR: resolve(process.env.SOMA_STATE_DIR ?? '.soma') }), threads: 1 });
    const prepared = prepareExamples(syntheticOutcomes(360, 5, 0.05), new Map(), 9);
    const all = [...prepared.train, ...prepared.calibration, ...prepared.test];
    const vectors = await embedPrompts(embedder, all.map((e) => e.prompt));
    const embeddings = new Map(all.map((e, i) => [e.id, vectors[i]!]));
    const { router, model } = fitRouter(prepared.train, prepared.calibration, { kind: 'knn', seed: 9, embeddings });
    expect(model.kind).toBe('knn');
    expect(() => router.pGoodEnough('no vector')).toThrow();
    const scored = scoreExamples(router, prepared.test, embeddings);
    expect(scored.length).toBe(prepared.test.length);
    expect(auroc(scored)).toBeGreaterThan(0.85);
  }, 120_000);
});
