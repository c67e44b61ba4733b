/**
 * bench:datasets — builds a dataset from 100,000 generated recorded completions and reports
 * rows/s and peak RSS with cleaning on (PII scrubbing + exact and MinHash near-duplicate removal
 * + token limit + split), next to a baseline in the same run that only converts and splits.
 * Each mode runs in its own child process so peak RSS is that mode's own.
 *
 * The completions are synthetic (seeded): 40 topics × templated questions and answers with
 * names, numbers, emails, phone and card numbers mixed in, ~5% exact repeats and ~5% one-word
 * edits, roughly the mix a support deployment records.
 *
 * Run: npm run bench:datasets [-- --rows 100000]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cleanDataset } from '../core/datasets/clean-dataset.ts';
import type { TrainingExample } from '../core/datasets/training-example.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const rows = Number(flag('rows') ?? 100_000);
const mode = flag('mode');

interface RecordedCompletion {
  system: string;
  prompt: string;
  output: string;
  correctedOutput: string | null;
}

function* generate(n: number): Generator<RecordedCompletion> {
  let s = 42;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const names = ['Ana', 'Bo', 'Chen', 'Dana', 'Eli', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun'];
  const verbs = ['reset', 'cancel', 'upgrade', 'export', 'refund', 'transfer', 'verify', 'close', 'merge', 'archive'];
  const things = ['account', 'order', 'subscription', 'invoice', 'workspace', 'report', 'card', 'project'];
  const previous: RecordedCompletion[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (previous.length > 10 && r < 0.05) {
      yield pick(previous);
      continue;
    }
    if (previous.length > 10 && r < 0.1) {
      const p = pick(previous);
      yield { ...p, output: p.output.replace(/\bthe\b/, 'your') };
      continue;
    }
    const name = pick(names);
    const verb = pick(verbs);
    const thing = pick(things);
    const id = Math.floor(rnd() * 1e9);
    const pii = rnd() < 0.3 ? ` You can reach me at ${name.toLowerCase()}${id % 1000}@example.com or +1 415 555 ${String(id % 10000).padStart(4, '0')}.` : '';
    const card = rnd() < 0.05 ? ' My card is 4111 1111 1111 1111.' : '';
    const c: RecordedCompletion = {
      system: 'You are a concise support assistant for Acme.',
      prompt: `Hi, I am ${name}. How do I ${verb} my ${thing} number ${id}?${pii}${card}`,
      output: `To ${verb} the ${thing} ${id}, ${name}, open Settings, choose ${thing}s, select ${id} and press ${verb}. ` +
        `The change applies within ${1 + (id % 9)} minutes and you will get a confirmation email. Step ${id % 97} of the guide covers the details for case ${id}.`,
      correctedOutput: rnd() < 0.1 ? `Open Settings → ${thing}s → ${id} → ${verb}; it applies in ${1 + (id % 9)} minutes (ticket ${id}).` : null,
    };
    if (previous.length < 5000) previous.push(c);
    else previous[i % 5000] = c;
    yield c;
  }
}

function* toExamples(source: Iterable<RecordedCompletion>): Generator<TrainingExample> {
  for (const c of source) {
    yield {
      messages: [
        { role: 'system', content: c.system },
        { role: 'user', content: c.prompt },
        // A correction is what the answer should have been: it is the training target.
        { role: 'assistant', content: c.correctedOutput ?? c.output },
      ],
    };
  }
}

function runOne(which: 'baseline' | 'cleaned') {
  const started = performance.now();
  const clean = which === 'cleaned';
  const { report } = cleanDataset(toExamples(generate(rows)), { scrubPii: clean, dedupe: clean, baseModel: 'gpt-4o-mini-2024-07-18' });
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ mode: which, rows, seconds: +seconds.toFixed(3), rows_per_s: Math.round(rows / seconds), peak_rss_mb: Math.round(peakRssMb), report }));
}

if (mode === 'baseline' || mode === 'cleaned') {
  runOne(mode);
} else {
  const self = fileURLToPath(import.meta.url);
  const run = (which: string) => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', self, '--mode', which, '--rows', String(rows)], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`bench:datasets ${which} failed: ${out.stderr}`);
    const last = out.stdout.trim().split('\n').pop()!;
    return JSON.parse(last) as { rows_per_s: number; peak_rss_mb: number; seconds: number; report: Record<string, unknown> };
  };
  const baseline = run('baseline');
  const cleaned = run('cleaned');
  console.log(`cleaning report: ${JSON.stringify(cleaned.report)}`);
  console.log(JSON.stringify({
    benchmark: 'datasets',
    rows,
    rows_per_s: cleaned.rows_per_s,
    peak_rss_mb: cleaned.peak_rss_mb,
    goal_rows_per_s: 5000,
    cleaning: 'pii scrub + exact dedup + minhash near-dedup (jaccard >= 0.8) + token limit + split',
    baseline: { cleaning: 'none (convert + split only)', rows_per_s: baseline.rows_per_s, peak_rss_mb: baseline.peak_rss_mb },
    kept_rows: cleaned.report.rows,
  }));
}
