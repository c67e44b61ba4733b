import { fileURLToPath } from 'node:url';
import { readBeirDataset } from './eval/beir-dataset.ts';
import { startBenchStack, type BenchStack } from '../tooling/bench/bench-stack.ts';

// `npm run eval:rag [dataset-dir]`: runs the RAG workflow on every question of a BEIR-layout
// dataset and reports answer support: how often a judged-relevant document was in the context,
// how often the answer cited it, and how many citations pointed outside the context.
// EVAL_API_URL + EVAL_API_KEY run it against a platform that is already up (with your real
// providers); otherwise a fresh embedded stack with the emulator is started for the run.
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.argv[2] ?? process.env.EVAL_DATASET ?? `${root}load/data/eval/somaagent-docs`;
const model = process.env.EVAL_MODEL ?? 'auto';
const dataset = readBeirDataset(dir);

interface RagAnswer {
  answer: string;
  citations: Array<{ source: { type: string; source?: string } }>;
  invalid_citations: string[];
  context: Array<{ source: { type: string; source?: string } }>;
  completion: { simulated: boolean; cost_usd: number } | null;
}

let stack: BenchStack | undefined;
let apiUrl = process.env.EVAL_API_URL;
let key = process.env.EVAL_API_KEY;
if (!apiUrl || !key) {
  process.stderr.write('starting an embedded stack (no EVAL_API_URL/EVAL_API_KEY) ...\n');
  stack = await startBenchStack();
  apiUrl = stack.apiUrl;
  key = stack.adminKey;
}
const call = async <T>(path: string, body: unknown): Promise<T> => {
  const res = await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
};

try {
  const collection = `eval-${Date.now().toString(36)}`;
  process.stderr.write(`ingesting ${dataset.corpus.length} documents into ${collection} ...\n`);
  for (let i = 0; i < dataset.corpus.length; i += 50) {
    const documents = dataset.corpus.slice(i, i + 50).map((d) => ({ source: d._id, text: d.title ? `# ${d.title}\n\n${d.text}` : d.text, mime: 'text/markdown' }));
    await call('/v1/memory/documents', { collection, documents, wait: true });
  }
  let inContext = 0;
  let cited = 0;
  let invalid = 0;
  let citations = 0;
  let simulated = false;
  let cost = 0;
  const started = performance.now();
  for (const query of dataset.queries) {
    const gold = dataset.qrels.get(query._id)!;
    const res = await call<RagAnswer>('/v1/rag', { question: query.text, collections: [collection], k: 6, model });
    if (res.context.some((c) => c.source.source !== undefined && gold.has(c.source.source))) inContext++;
    if (res.citations.some((c) => c.source.source !== undefined && gold.has(c.source.source))) cited++;
    citations += res.citations.length + res.invalid_citations.length;
    invalid += res.invalid_citations.length;
    simulated ||= res.completion?.simulated ?? false;
    cost += res.completion?.cost_usd ?? 0;
  }
  const n = dataset.queries.length;
  const result = {
    dataset: dir.split('/').filter(Boolean).at(-1),
    questions: n,
    model,
    simulated,
    gold_in_context: Number((inContext / n).toFixed(4)),
    gold_cited: Number((cited / n).toFixed(4)),
    invalid_citation_rate: citations === 0 ? 0 : Number((invalid / citations).toFixed(4)),
    seconds_per_question: Number(((performance.now() - started) / 1000 / n).toFixed(3)),
    cost_usd: Number(cost.toFixed(6)),
  };
  console.log(`\n${n} questions through the rag workflow (${model}${simulated ? ', simulated answers from the emulator' : ''})`);
  console.log(`gold passage in context: ${(result.gold_in_context * 100).toFixed(1)}%   cited: ${(result.gold_cited * 100).toFixed(1)}%   invalid citations: ${(result.invalid_citation_rate * 100).toFixed(1)}%`);
  if (simulated) console.log('The emulator does not read its sources, so "cited" measures nothing here; set provider keys (EVAL_API_URL/EVAL_API_KEY) for a real figure.');
  console.log(JSON.stringify(result));
} finally {
  await stack?.stop();
}
