import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const files = [];
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.md')) files.push(p); } };
walk('docs/docs');
const out = [];
for (const file of files.sort()) {
  if (file.includes('vector-stores-pinecone')) continue;
  const body = readFileSync(file, 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
  const page = file.replace('docs/docs/', '').replace(/\.md$/, '');
  let title = page; let section = null; let buf = [];
  const flush = () => { const text = buf.join('\n').trim(); if (section && text.length > 120) out.push({ _id: `${page}#${section.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`, title: `${title} — ${section}`, text: text.slice(0, 3000) }); buf = []; };
  let fence = false;
  for (const line of body.split('\n')) {
    if (/^(```|~~~)/.test(line.trim())) fence = !fence;
    if (fence) { buf.push(line); continue; }
    const h1 = /^# (.*)/.exec(line); const h2 = /^##+ (.*)/.exec(line);
    if (h1) { flush(); title = h1[1].trim(); section = 'Overview'; continue; }
    if (h2) { flush(); section = h2[1].replace(/`/g, '').trim(); continue; }
    buf.push(line);
  }
  flush();
}
const seen = new Map();
for (const d of out) { const n = (seen.get(d._id) ?? 0) + 1; seen.set(d._id, n); if (n > 1) d._id = `${d._id}-${n}`; }
writeFileSync('load/data/eval/somaagent-docs/corpus.jsonl', out.map((d) => JSON.stringify(d)).join('\n') + '\n');
console.log(out.length);
for (const d of out) console.log(d._id);
