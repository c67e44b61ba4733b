import { describe, expect, it } from 'vitest';
import { approximateTokens, chunkBlocks } from '../core/memory/chunker.ts';
import { markdownBlocks } from '../core/memory/text-blocks.ts';

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
