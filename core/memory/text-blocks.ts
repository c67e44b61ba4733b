/**
 * Structure of a document, as the chunker needs it: blocks (a paragraph, a list, a code fence,
 * a table) under their heading path. Markdown headings and fences are recognised; plain text
 * is paragraphs separated by blank lines.
 */
export interface TextBlock {
  text: string;
  /** The headings above this block, outermost first. */
  headings: string[];
  kind: 'paragraph' | 'code' | 'list' | 'table' | 'heading';
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^(```|~~~)/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;

export function markdownBlocks(source: string): TextBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: TextBlock[] = [];
  const path: string[] = [];
  let buffer: string[] = [];
  let kind: TextBlock['kind'] = 'paragraph';

  const flush = () => {
    const text = buffer.join('\n').trim();
    if (text) blocks.push({ text, headings: [...path], kind });
    buffer = [];
    kind = 'paragraph';
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line.trim());
    if (fence) {
      flush();
      const code = [line];
      for (i++; i < lines.length; i++) {
        code.push(lines[i]!);
        if (lines[i]!.trim().startsWith(fence[1]!)) break;
      }
      buffer = code;
      kind = 'code';
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      const depth = heading[1]!.length;
      path.splice(depth - 1);
      while (path.length < depth - 1) path.push('');
      path.push(heading[2]!);
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const lineKind: TextBlock['kind'] = TABLE_ROW.test(line) ? 'table' : LIST_ITEM.test(line) ? 'list' : 'paragraph';
    // A list or table continues across its lines; a change of kind starts a new block.
    if (buffer.length > 0 && lineKind !== kind && !(kind === 'list' && /^\s+\S/.test(line))) flush();
    if (buffer.length === 0) kind = lineKind;
    buffer.push(line);
  }
  flush();
  return blocks.map((b) => ({ ...b, headings: b.headings.filter((h) => h !== '') }));
}
