/**
 * The template file format of the prompt library and the loader: YAML front matter (name,
 * description, labels, variables schema, an example), then the template. A chat template splits
 * its body into messages with lines `=== system ===`, `=== user ===`, `=== assistant ===`
 * (the same text the diff endpoint shows); a body without such lines is a text template.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ChatRole, TemplateContent } from './prompt-types.ts';
import { LabelSchema, TemplateNameSchema } from './template-definition.ts';

export const FrontMatterSchema = z
  .object({
    name: TemplateNameSchema,
    description: z.string().max(2000).default(''),
    labels: z.array(LabelSchema).max(20).default([]),
    variables: z.record(z.string(), z.unknown()).default({}),
    /** Variables that render the template; the library test renders every file with its example. */
    example: z.record(z.string(), z.unknown()).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

export interface TemplateFile {
  name: string;
  description: string;
  labels: string[];
  variables: Record<string, unknown>;
  example: Record<string, unknown> | undefined;
  note: string | undefined;
  content: TemplateContent;
}

export class TemplateFileError extends Error {
  override readonly name = 'TemplateFileError';
  constructor(readonly file: string, message: string, readonly problems: Array<{ path: string; message: string }> = []) {
    super(`${file}: ${message}`);
  }
}

const ROLE_LINE = /^=== (system|user|assistant) ===[ \t]*$/;

/** Drops blank lines at both ends, keeps everything between. */
function trimBlankLines(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end).join('\n');
}

function parseBody(body: string, file: string): TemplateContent {
  const lines = body.split(/\r?\n/);
  if (!lines.some((l) => ROLE_LINE.test(l))) return { type: 'text', text: trimBlankLines(lines) };
  const messages: Array<{ role: ChatRole; content: string }> = [];
  let role: ChatRole | undefined;
  let section: string[] = [];
  const flush = () => {
    if (role) messages.push({ role, content: trimBlankLines(section) });
    else if (trimBlankLines(section) !== '') throw new TemplateFileError(file, 'text before the first "=== role ===" line');
    section = [];
  };
  for (const line of lines) {
    const match = ROLE_LINE.exec(line);
    if (match) {
      flush();
      role = match[1] as ChatRole;
    } else {
      section.push(line);
    }
  }
  flush();
  return { type: 'chat', messages };
}

export function parseTemplateFile(text: string, file: string): TemplateFile {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  if (!match) throw new TemplateFileError(file, 'the file must start with YAML front matter between "---" lines');
  let frontMatter: unknown;
  try {
    frontMatter = parseYaml(match[1]!, { maxAliasCount: 100 });
  } catch (err) {
    throw new TemplateFileError(file, `the front matter is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = FrontMatterSchema.safeParse(frontMatter);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new TemplateFileError(file, `invalid front matter: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
  const meta = parsed.data;
  return {
    name: meta.name,
    description: meta.description,
    labels: meta.labels,
    variables: meta.variables,
    example: meta.example,
    note: meta.note,
    content: parseBody(match[2] ?? '', file),
  };
}
