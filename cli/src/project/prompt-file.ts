/**
 * The prompt library's file format, read on the client: YAML front matter (name, description,
 * labels, variables schema, an example, a note), then the template; a body with lines
 * `=== system ===`, `=== user ===`, `=== assistant ===` is a chat template, otherwise a text one.
 *
 * The CLI speaks HTTP only, so this is its own reader rather than the server's
 * (core/prompts/template-file.ts): it checks the file's shape, and leaves the template and its
 * variables schema to the API, which refuses a bad one on deploy with every problem listed.
 * test/cli-prompt-file.test.ts keeps both readers and both content hashes in step.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export type ChatRole = 'system' | 'user' | 'assistant';

export type TemplateContent = { type: 'text'; text: string } | { type: 'chat'; messages: Array<{ role: ChatRole; content: string }> };

export interface PromptFile {
  name: string;
  description: string;
  labels: string[];
  /** The variables schema as the server stores it (`properties` defaults to `{}`). */
  variables: Record<string, unknown>;
  note: string | undefined;
  content: TemplateContent;
}

export class PromptFileError extends Error {
  override readonly name = 'PromptFileError';
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

const NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/;
const LABEL = /^[a-z][a-z0-9_.-]{0,49}$/;

const FrontMatterSchema = z
  .object({
    name: z.string().regex(NAME, 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (at most 100)'),
    description: z.string().max(2000).default(''),
    labels: z.array(z.string().regex(LABEL, 'lowercase letters, digits, ".", "_" and "-", starting with a letter (at most 50)')).max(20).default([]),
    variables: z.record(z.string(), z.unknown()).default({}),
    example: z.record(z.string(), z.unknown()).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

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
    else if (trimBlankLines(section) !== '') throw new PromptFileError(file, 'text before the first "=== role ===" line');
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

export function parsePromptFile(text: string, file: string): PromptFile {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  if (!match) throw new PromptFileError(file, 'the file must start with YAML front matter between "---" lines');
  let frontMatter: unknown;
  try {
    frontMatter = parseYaml(match[1]!, { maxAliasCount: 100 });
  } catch (err) {
    throw new PromptFileError(file, `the front matter is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = FrontMatterSchema.safeParse(frontMatter);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new PromptFileError(file, `invalid front matter: ${problems.join('; ')}`);
  }
  const meta = parsed.data;
  return {
    name: meta.name,
    description: meta.description,
    labels: meta.labels,
    // The server fills in `properties`; the hash below must see the schema as stored.
    variables: { ...meta.variables, properties: meta.variables.properties ?? {} },
    note: meta.note,
    content: parseBody(match[2] ?? '', file),
  };
}

/** JSON with object keys sorted, so equal definitions hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `sha256:…` of content and variables: the server's version identity, so a plan can say "unchanged". */
export function contentHash(definition: { content: TemplateContent; variables: Record<string, unknown> }): string {
  // Exactly these two fields: a PromptFile passed whole would hash its name and labels too.
  const { content, variables } = definition;
  return `sha256:${createHash('sha256').update(canonicalJson({ content, variables })).digest('hex')}`;
}
