/**
 * `npm run router:train [-- <outcomes.jsonl | folder>...] [--kind=logistic|knn] [--seed=1]
 * [--target-quality=0.95 | --cost-budget=0.3] [--prices=models.json] [--version=name] [--out=dir]`
 *
 * Trains a router on measured outcomes and writes its versioned artefact to
 * `<SOMA_STATE_DIR>/routers/<version>/router.json` (or `--out`). Reads `../shared/data/router-outcomes`
 * when no path is given. The artefact embeds what it learned from those outcomes, so it is written
 * outside git; `somaagent router versions register <version>` (POST /v1/router/versions) makes the
 * platform know it, `somaagent router promote <version>` makes it the tenant's router.
 * Prints one JSON object (the artefact's header: pairs, threshold, held-out figures) last.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOutcomeLines, type OutcomeRecord } from '../core/routing/outcome-record.ts';
import { outcomePrices } from '../core/routing/outcome-cost.ts';
import { buildRouter } from '../core/routing/router-build.ts';
import { ROUTER_VERSION } from '../core/routing/router-artefact.ts';
import type { ThresholdTarget } from '../core/routing/router-threshold.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const log = (line: string) => process.stderr.write(`${line}\n`);

const inputs = args.filter((a) => !a.startsWith('--'));
const paths = (inputs.length ? inputs : [resolve(root, '../shared/data/router-outcomes')]).flatMap((p) =>
  statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(p, f)) : [p],
);
const kind = (option('kind') ?? 'logistic') as 'logistic' | 'knn';
if (kind !== 'logistic' && kind !== 'knn') throw new Error('--kind is logistic or knn');
const seed = Number(option('seed') ?? 1);
const target: ThresholdTarget = option('cost-budget') ? { costShare: Number(option('cost-budget')) } : { qualityRatio: Number(option('target-quality') ?? 0.95) };
const stateDir = process.env.SOMA_STATE_DIR ?? join(root, '.soma');
const version = option('version') ?? `${kind}-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}-s${seed}`;
if (!ROUTER_VERSION.test(version)) throw new Error(`--version "${version}": lowercase letters, digits, ".", "_" and "-"`);
const pricesPath = option('prices') ?? join(dirname(paths[0]!), 'models.json');

const records: OutcomeRecord[] = [];
for (const file of paths) {
  const parsed = parseOutcomeLines(readFileSync(file, 'utf8'), { source: basename(file).replace(/\.jsonl$/, '') });
  if (parsed.errors.length) {
    for (const e of parsed.errors) log(`${file}:${e.line}: ${e.message}`);
    process.exit(1);
  }
  records.push(...parsed.records);
  log(`${basename(file)}: ${parsed.records.length} prompts`);
}
const prices = existsSync(pricesPath) ? outcomePrices(JSON.parse(readFileSync(pricesPath, 'utf8'))) : new Map<string, { input: number; output: number }>();

let embedder;
if (kind === 'knn') {
  const { createLocalMiniLmEmbedder } = await import('../core/embeddings/local-minilm-embedder.ts');
  embedder = createLocalMiniLmEmbedder({ modelDir: join(stateDir, 'models', 'all-MiniLM-L6-v2'), threads: 1 });
}
const built = await buildRouter(records, prices, {
  kind,
  seed,
  version,
  target,
  ...(embedder && { embedder, embeddingCacheFile: join(stateDir, 'router-cache', 'embeddings.tsv') }),
  trainedOn: { files: paths.map((p) => basename(p)), prompts: records.length, prices: existsSync(pricesPath) ? basename(pricesPath) : null },
});
const out = option('out') ?? join(stateDir, 'routers', version);
mkdirSync(out, { recursive: true, mode: 0o700 });
writeFileSync(join(out, 'router.json'), built.json, { mode: 0o600 });
log(`wrote ${join(out, 'router.json')}`);
process.stdout.write(`${JSON.stringify({ ...built.header, artefact: join(out, 'router.json') })}\n`);
