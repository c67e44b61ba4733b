import { createHash } from 'node:crypto';
import type { TextBlock } from './text-blocks.ts';

export interface ChunkingOptions {
  /**
   * Most tokens the embedding model may read for one chunk: what `countTokens` says of the text
   * that is embedded (the heading line when `titlePrefix`, and the model's special tokens,
   * included). At most the model's window; smaller for shorter chunks.
   */
  maxTokens: number;
  /** Tokens of the previous chunk repeated at the start of the next one in the same section. */
  overlapTokens: number;
  /** Tokens the model reads for a text, special tokens included: the embedder's own tokenizer. */
  countTokens(text: string): number;
  /** Embed the heading path ("Title > Section") above each chunk's text (default true). */
  titlePrefix?: boolean;
}

export interface Chunk {
  seq: number;
  /** The chunk's own text. */
  text: string;
  /** "Title > Section" above it, embedded with the text (titlePrefix) so a chunk keeps its context. */
  headingPath: string;
  /** Tokens the embedding model reads for this chunk (embeddingText), special tokens included. */
  tokenCount: number;
  contentHash: string;
}

/** The text the embedder reads for a chunk: the one string the chunker measured. */
export function embeddingText(headingPath: string, text: string, titlePrefix = true): string {
  return titlePrefix && headingPath ? `${headingPath}\n${text}` : text;
}

/** Sentence ends, keeping the punctuation with the sentence. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?。！？])\s*(?=[A-Z0-9"'([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])|\n+/u).map((s) => s.trim()).filter(Boolean);
}

/**
 * Most code points one chunk piece is probed at. A WordPiece token covers at most 100
 * characters of a word (longer words read as one [UNK]), so real text never needs more; it
 * keeps a multi-megabyte unbroken blob from being tokenised whole at every probe.
 */
const MAX_PROBE = 20_000;

/**
 * The longest prefix of chars[from..] (code points, so an emoji or a surrogate pair is never
 * cut) for which `fits` holds; at least one code point, so progress is always made.
 */
function longestFittingPrefix(chars: string[], from: number, fits: (text: string) => boolean): number {
  let lo = 1;
  let hi = Math.min(chars.length - from, MAX_PROBE);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(chars.slice(from, from + mid).join(''))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Cuts a text with no usable boundary (a URL, base64, a CJK run, minified code) into fitting pieces. */
function cutByCharacters(text: string, fits: (text: string) => boolean): string[] {
  const out: string[] = [];
  const chars = Array.from(text);
  for (let at = 0; at < chars.length; ) {
    const n = longestFittingPrefix(chars, at, fits);
    out.push(chars.slice(at, at + n).join(''));
    at += n;
  }
  return out;
}

/** Splits text that alone does not fit: sentences, then words, then characters. */
function split(text: string, fits: (text: string) => boolean): string[] {
  if (fits(text)) return [text];
  const parts = sentences(text);
  const units = parts.length > 1 ? parts : text.split(/\s+/).filter(Boolean);
  if (units.length <= 1) return cutByCharacters(text, fits);
  const out: string[] = [];
  let current: string[] = [];
  for (const unit of units) {
    if (!fits(unit)) {
      if (current.length) out.push(current.join(' '));
      current = [];
      out.push(...split(unit, fits));
      continue;
    }
    if (current.length && !fits([...current, unit].join(' '))) {
      out.push(current.join(' '));
      current = [];
    }
    current.push(unit);
  }
  if (current.length) out.push(current.join(' '));
  return out;
}

/** The tail of `text` worth about `tokens` tokens, cut at a word boundary. */
function tail(text: string, tokens: number, countTokens: (text: string) => number): string {
  if (tokens <= 0) return '';
  const words = text.split(/\s+/);
  const base = countTokens('');
  const picked: string[] = [];
  for (let i = words.length - 1; i >= 0; i--) {
    picked.unshift(words[i]!);
    if (countTokens(picked.join(' ')) - base >= tokens) break;
  }
  return picked.join(' ');
}

/**
 * Packs blocks into chunks whose embedded text (embeddingText) the model reads whole: every
 * chunk's count, by the embedder's own tokenizer with its special tokens, is at most maxTokens.
 * Never across a section (heading path) boundary; code fences and tables stay whole when they
 * fit. The next chunk of the same section starts with about overlapTokens of the previous one,
 * so a sentence cut by a boundary is still found whole. A heading path longer than half the
 * budget is shortened, so there is always room for text.
 */
export function chunkBlocks(blocks: TextBlock[], options: ChunkingOptions): Chunk[] {
  const titlePrefix = options.titlePrefix ?? true;
  const base = options.countTokens('');
  if (options.maxTokens <= base + 1) throw new RangeError(`maxTokens ${options.maxTokens} leaves no room for text (the model's special tokens take ${base})`);
  const chunks: Chunk[] = [];
  let parts: string[] = [];
  let section = '';
  let overlap = '';
  const fits = (text: string) => options.countTokens(embeddingText(section, text, titlePrefix)) <= options.maxTokens;

  const emit = () => {
    const text = parts.join('\n\n').trim();
    parts = [];
    if (!text) return;
    const embedded = embeddingText(section, text, titlePrefix);
    chunks.push({
      seq: chunks.length,
      text,
      headingPath: section,
      tokenCount: options.countTokens(embedded),
      contentHash: createHash('sha256').update(`${section}\n${text}`).digest('hex'),
    });
    overlap = tail(text, options.overlapTokens, options.countTokens);
  };

  const headingBudget = Math.floor((options.maxTokens + base) / 2);
  for (const block of blocks) {
    let path = block.headings.join(' > ');
    if (titlePrefix && options.countTokens(path) > headingBudget) {
      const chars = Array.from(path);
      path = chars.slice(0, longestFittingPrefix(chars, 0, (p) => options.countTokens(p) <= headingBudget)).join('');
    }
    if (path !== section) {
      emit();
      section = path;
      overlap = '';
    }
    for (const piece of split(block.text, fits)) {
      if (parts.length > 0 && !fits([...parts, piece].join('\n\n'))) {
        emit();
        // Overlap only when it leaves room for the new piece.
        if (overlap && fits(`${overlap}\n\n${piece}`)) parts.push(overlap);
      }
      parts.push(piece);
    }
  }
  emit();
  return chunks;
}

/**
 * An estimate for when the embedding model's tokenizer is not at hand (a remote model): the
 * larger of ~1.3 tokens per word and one token per 3 UTF-8 bytes, so code, CJK and emoji are
 * not undercounted as words are; plus 2 for a model's start and end tokens.
 */
export function approximateTokens(text: string): number {
  let words = 0;
  for (const _ of text.matchAll(/\S+/g)) words++;
  return Math.ceil(Math.max(words * 1.3, Buffer.byteLength(text, 'utf8') / 3)) + 2;
}
