import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { approximateTokens, chunkBlocks, embeddingText } from '../core/memory/chunker.ts';
import { markdownBlocks } from '../core/memory/text-blocks.ts';
import { createLocalMiniLmEmbedder, localModelDir } from '../core/embeddings/local-minilm-embedder.ts';

const options = { maxTokens: 60, overlapTokens: 10, countTokens: approximateTokens };

describe('structure-aware chunking', () => {
  it('reads markdown structure: heading paths, code fences kept whole, lists, tables', () => {
    const blocks = markdownBlocks(['# Guide', 'Intro text.', '## Install', '```bash', 'npm start', '', 'echo done', '```', '- one', '- two', '  continued', '| a | b |', '| 1 | 2 |'].join('\n'));
    expect(blocks.map((b) => [b.kind, b.headings.join(' > ')])).toEqual([
      ['paragraph', 'Guide'],
      ['code', 'Guide > Install'],
      ['list', 'Guide > Install'],
      ['table', 'Guide > Install'],
    ]);
    expect(blocks[1]!.text).toContain('echo done');
  });

  it('never crosses a section, stays within the token budget, and overlaps within a section', () => {
    const sentence = (i: number) => `Sentence number ${i} explains one small fact about durable workflows.`;
    const long = Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkBlocks(markdownBlocks(`# A\n${long}\n# B\nShort section.`), options);
    expect(chunks.every((c) => c.tokenCount <= options.maxTokens)).toBe(true);
    const a = chunks.filter((c) => c.headingPath === 'A');
    const b = chunks.filter((c) => c.headingPath === 'B');
    expect(a.length).toBeGreaterThan(3);
    expect(b.map((c) => c.text)).toEqual(['Short section.']);
    // Every sentence survives whole in some chunk; consecutive chunks share their boundary text.
    for (let i = 0; i < 30; i++) expect(a.some((c) => c.text.includes(sentence(i)))).toBe(true);
    const lastWords = a[0]!.text.split(' ').slice(-3).join(' ');
    expect(a[1]!.text).toContain(lastWords);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
  });

  it('cuts text with no structure and over-long words without losing content', () => {
    const blob = 'x'.repeat(5000);
    const chunks = chunkBlocks(markdownBlocks(`word ${blob} end`), options);
    expect(chunks.every((c) => c.tokenCount <= options.maxTokens)).toBe(true);
    expect(chunks.map((c) => c.text).join('').replace(/\s/g, '')).toContain(blob.slice(0, 100));
    expect(chunks.at(-1)!.text).toContain('end');
  });

  it('gives identical content the identical hash, and different sections different hashes', () => {
    const one = chunkBlocks(markdownBlocks('# A\nsame text'), options);
    const two = chunkBlocks(markdownBlocks('# A\nsame text'), options);
    const other = chunkBlocks(markdownBlocks('# B\nsame text'), options);
    expect(one[0]!.contentHash).toBe(two[0]!.contentHash);
    expect(one[0]!.contentHash).not.toBe(other[0]!.contentHash);
  });
});

describe('token-exact chunking with the embedding model\'s own tokenizer', () => {
  const modelDir = localModelDir({ SOMA_STATE_DIR: resolve(process.env.SOMA_STATE_DIR ?? '.soma') });
  // An independent count: the tokenizer files read here, not through the embedder's counter.
  const reference = new Tokenizer(JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')) as object, JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8')) as object);
  const modelReads = (text: string) => reference.encode(text).ids.length;

  const adversarial = {
    'long words': `# Blobs\n\n${Array.from({ length: 40 }, (_, i) => `${'supercalifragilistic'.repeat(4)}${i} https://example.com/${'a1b2c3'.repeat(60)}?q=${i}`).join(' ')}`,
    CJK: `# 東京の案内\n\n${'東京都は日本の首都であり、世界最大級の都市圏を持つ。'.repeat(80)}\n\n${'한국어 문장도 섞여 있습니다。'.repeat(40)}`,
    code: `# Code\n\n\`\`\`ts\n${Array.from({ length: 120 }, (_, i) => `const value${i} = await client.query<{ id: string }>(\`SELECT * FROM t${i} WHERE x = $1\`, [input.${i}]);`).join('\n')}\n\`\`\`\n\n${'x=>y&&z||(a?.b??c)[0]{}'.repeat(300)}`,
    emoji: `# 😀 Emoji ${'🎉'.repeat(300)}\n\n${'👩‍👩‍👧‍👦 family 🏳️‍🌈 flag '.repeat(200)}${'😀'.repeat(2000)}`,
    'mixed, no spaces': `${'ab'.repeat(3000)}中文${'🙂'.repeat(500)}${'.'.repeat(3000)}`,
  };

  for (const [name, text] of Object.entries(adversarial)) {
    it(`never exceeds the model's 256 positions: ${name}`, async () => {
      const counter = await createLocalMiniLmEmbedder({ modelDir, threads: 1 }).tokenCounter();
      expect(counter.window).toBe(256);
      for (const overlapTokens of [0, 32]) {
        const chunks = chunkBlocks(markdownBlocks(text), { maxTokens: counter.window, overlapTokens, countTokens: counter.count });
        expect(chunks.length).toBeGreaterThan(0);
        for (const c of chunks) {
          const read = modelReads(embeddingText(c.headingPath, c.text));
          expect(read, c.text.slice(0, 80)).toBeLessThanOrEqual(256);
          expect(c.tokenCount).toBe(read);
        }
        // Nothing is lost: every non-space character of the document is in some chunk, in order.
        const body = markdownBlocks(text).map((b) => b.text).join('').replace(/\s/g, '');
        const kept = chunks.filter((c, i) => overlapTokens === 0 || i === 0 || c.headingPath !== chunks[i - 1]!.headingPath).map((c) => c.text).join('').replace(/\s/g, '');
        if (overlapTokens === 0) expect(kept).toBe(body);
      }
    });
  }

  it('fills the window: chunks of plain prose use most of the 256 positions, not a word-count guess', async () => {
    const counter = await createLocalMiniLmEmbedder({ modelDir, threads: 1 }).tokenCounter();
    const prose = Array.from({ length: 200 }, (_, i) => `Sentence ${i} says that durable workflows retry activities after a worker crash.`).join(' ');
    const chunks = chunkBlocks(markdownBlocks(`# Guide\n\n${prose}`), { maxTokens: 256, overlapTokens: 0, countTokens: counter.count });
    const full = chunks.slice(0, -1);
    expect(full.every((c) => c.tokenCount <= 256 && c.tokenCount >= 220)).toBe(true);
  });
});
