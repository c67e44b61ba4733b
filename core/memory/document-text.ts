import { htmlToMarkdown } from './html-to-markdown.ts';
import { markdownBlocks, type TextBlock } from './text-blocks.ts';

export type DocumentMime = 'text/plain' | 'text/markdown' | 'text/html';

/** The mime of a source from its declared type, else its file extension, else plain text. */
export function mimeOf(source: string, declared?: string): DocumentMime {
  const type = declared?.split(';')[0]?.trim().toLowerCase();
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'text/html';
  if (type === 'text/markdown' || type === 'text/x-markdown') return 'text/markdown';
  if (type === 'text/plain') return 'text/plain';
  const path = source.split(/[?#]/)[0]!.toLowerCase();
  if (/\.(html?|xhtml)$/.test(path)) return 'text/html';
  if (/\.(md|mdx|markdown)$/.test(path)) return 'text/markdown';
  return 'text/plain';
}

/** A document's blocks and its title (the HTML title, else the first heading, else the source). */
export function documentBlocks(content: string, mime: DocumentMime, source: string): { blocks: TextBlock[]; title: string } {
  if (mime === 'text/html') {
    const { text, title } = htmlToMarkdown(content);
    const blocks = markdownBlocks(text);
    return { blocks, title: title || blocks[0]?.headings[0] || source };
  }
  if (mime === 'text/markdown') {
    // Front matter is metadata, not content.
    const body = content.replace(/^---\n[\s\S]*?\n---\n/, '');
    const blocks = markdownBlocks(body);
    return { blocks, title: blocks[0]?.headings[0] ?? source };
  }
  const blocks = content
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text) => ({ text, headings: [], kind: 'paragraph' as const }));
  return { blocks, title: source };
}
