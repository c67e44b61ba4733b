/**
 * What one template version is (its content and its variables schema), how its identity is
 * hashed, and the checks a version passes before it is stored: every part compiles in the
 * sandbox against the version's own declared variables.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChatRole, TemplateContent } from './prompt-types.ts';
import type { TemplateEngine } from './template-engine.ts';
import { TemplateInvalidError, TemplateUnsafeError, type TemplateProblem } from './template-errors.ts';
import { declaredVariables, parseVariablesSchema, type VariablesSchema } from './variables-schema.ts';

export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/;
/** Labels start with a letter, so `name@3` (a version) and `name@staging` (a label) never clash. */
export const LABEL_NAME = /^[a-z][a-z0-9_.-]{0,49}$/;
export const MAX_TEMPLATE_CHARS = 100_000;

export const TemplateNameSchema = z.string().regex(TEMPLATE_NAME, 'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (at most 100)');
export const LabelSchema = z.string().regex(LABEL_NAME, 'lowercase letters, digits, ".", "_" and "-", starting with a letter (at most 50)');

export const ChatMessageTemplateSchema = z
  .object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(MAX_TEMPLATE_CHARS) })
  .strict();

/** The fields of a version as the API and the loader receive it: `text` or `messages`, and the variables schema. */
export const versionFields = {
  text: z.string().max(MAX_TEMPLATE_CHARS).optional().describe('A text template (Nunjucks).'),
  messages: z.array(ChatMessageTemplateSchema).min(1).max(50).optional().describe('A chat template: each content is a Nunjucks template.'),
  variables: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the variables (an object schema; see the docs for the subset).'),
  note: z.string().max(2000).optional().describe('Why this version exists, like a commit message.'),
};

/** The refinement every schema with `versionFields` carries. */
export const exactlyOneContent: [(v: { text?: string | undefined; messages?: unknown }) => boolean, { message: string; path: string[] }] = [
  (v) => (v.text === undefined) !== (v.messages === undefined),
  { message: 'give exactly one of "text" and "messages"', path: ['text'] },
];

export const VersionInputSchema = z.object(versionFields).strict().refine(...exactlyOneContent);

export type VersionInput = z.infer<typeof VersionInputSchema>;

export interface TemplateDefinition {
  content: TemplateContent;
  variables: VariablesSchema;
}

/** A definition that passed every check, with its identity and the templates it includes. */
export interface CheckedDefinition extends TemplateDefinition {
  contentHash: string;
  references: string[];
}

/** JSON with object keys sorted, so equal definitions hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function contentHash(definition: TemplateDefinition): string {
  return `sha256:${createHash('sha256').update(canonicalJson(definition)).digest('hex')}`;
}

/** The parts of a content that are templates, with the role of each chat message. */
export function templateParts(content: TemplateContent): Array<{ role?: ChatRole; source: string; label: string }> {
  if (content.type === 'text') return [{ source: content.text, label: '' }];
  return content.messages.map((m, i) => ({ role: m.role, source: m.content, label: ` (message ${i + 1}, ${m.role})` }));
}

/** A version as one text: the text itself, or `=== role ===` sections (the library file format). */
export function canonicalText(content: TemplateContent): string {
  if (content.type === 'text') return content.text;
  return content.messages.map((m) => `=== ${m.role} ===\n${m.content}`).join('\n');
}

export function toDefinition(input: VersionInput): { content: TemplateContent; variables: unknown } {
  const content: TemplateContent = input.messages ? { type: 'chat', messages: input.messages } : { type: 'text', text: input.text ?? '' };
  return { content, variables: input.variables ?? {} };
}

/**
 * Checks a definition: the schema parses, every part compiles against the declared variables.
 * Throws VariablesSchemaInvalidError, TemplateInvalidError or TemplateUnsafeError with every
 * problem of every part (each labelled with its message number for chat templates).
 */
export function checkDefinition(engine: TemplateEngine, name: string, raw: { content: TemplateContent; variables: unknown }): CheckedDefinition {
  const variables = parseVariablesSchema(raw.variables);
  const declared = declaredVariables(variables);
  const problems: TemplateProblem[] = [];
  let unsafe = false;
  const references = new Set<string>();
  for (const part of templateParts(raw.content)) {
    try {
      const compiled = engine.compile(part.source, `${name}${part.label}`, declared);
      for (const ref of compiled.references) references.add(ref.ref);
    } catch (err) {
      if (!(err instanceof TemplateInvalidError) && !(err instanceof TemplateUnsafeError)) throw err;
      unsafe ||= err instanceof TemplateUnsafeError;
      for (const p of err.problems) problems.push(part.label ? { ...p, template: `${name}${part.label}` } : p);
    }
  }
  if (problems.length > 0) throw unsafe ? new TemplateUnsafeError(problems) : new TemplateInvalidError(problems);
  const definition: TemplateDefinition = { content: raw.content, variables };
  return { ...definition, contentHash: contentHash(definition), references: [...references].sort() };
}
