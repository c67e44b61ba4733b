import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash as cliContentHash, parsePromptFile, PromptFileError } from '../cli/src/project/prompt-file.ts';
import { contentHash } from '../core/prompts/template-definition.ts';
import { parseTemplateFile, TemplateFileError } from '../core/prompts/template-file.ts';
import { parseVariablesSchema } from '../core/prompts/variables-schema.ts';

// The CLI reads prompt files with its own reader (it may not import the server); a plan says
// "unchanged" only when its hash is the server's. These keep the two readers in step.
const LIBRARY = join(import.meta.dirname, '..', 'prompts', 'library');

function server(text: string, file: string) {
  const parsed = parseTemplateFile(text, file);
  const variables = parseVariablesSchema(parsed.variables);
  return { ...parsed, variables, contentHash: contentHash({ content: parsed.content, variables }) };
}

function cli(text: string, file: string) {
  const parsed = parsePromptFile(text, file);
  return { ...parsed, contentHash: cliContentHash(parsed) };
}

describe('the CLI prompt file reader', () => {
  const files = readdirSync(LIBRARY).filter((f) => f.endsWith('.md'));

  it.each(files)('reads %s as the server does, to the same content hash', (file) => {
    const text = readFileSync(join(LIBRARY, file), 'utf8');
    const ours = cli(text, file);
    const theirs = server(text, file);
    expect(ours).toEqual({
      name: theirs.name,
      description: theirs.description,
      labels: theirs.labels,
      variables: theirs.variables,
      note: theirs.note,
      content: theirs.content,
      contentHash: theirs.contentHash,
    });
  });

  it('hashes a file without variables and a chat file as the server does', () => {
    const text = '---\nname: plain\n---\nHello.\n';
    expect(cli(text, 'plain.md').contentHash).toBe(server(text, 'plain.md').contentHash);
    const chat = '---\nname: chat\nvariables:\n  required: [q]\n  properties:\n    q: { type: string, maxLength: 10 }\n---\n=== system ===\nBe brief.\n\n=== user ===\n{{ q }}\n';
    expect(cli(chat, 'chat.md').contentHash).toBe(server(chat, 'chat.md').contentHash);
  });

  it('refuses what the server refuses about the file itself', () => {
    for (const text of ['no front matter', '---\nname: Bad Name\n---\nx', '---\nname: ok\nextra: 1\n---\nx', '---\nname: ok\n---\nstray\n=== user ===\nx', '---\n[unclosed\n---\nx']) {
      expect(() => parseTemplateFile(text, 'f.md')).toThrow(TemplateFileError);
      expect(() => parsePromptFile(text, 'f.md')).toThrow(PromptFileError);
    }
  });
});
