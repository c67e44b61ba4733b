/**
 * Reads a project: the manifest and every prompt file it lists, parsed in the prompt library's
 * file format (./prompt-file.ts) and hashed the way the server identifies a version, so a plan
 * can tell "unchanged" without sending anything.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { contentHash, parsePromptFile, PromptFileError, type TemplateContent } from './prompt-file.ts';
import { usageError } from '../exit-codes.ts';
import { MANIFEST_FILE, ProjectManifestSchema, type ProjectManifest } from './project-manifest.ts';

export interface LocalPrompt {
  file: string;
  name: string;
  description: string;
  labels: string[];
  content: TemplateContent;
  variables: Record<string, unknown>;
  note: string | undefined;
  /** `sha256:…` of content and variables, as the server computes it. */
  contentHash: string;
}

export interface Project {
  dir: string;
  manifest: ProjectManifest;
  prompts: LocalPrompt[];
}

async function readManifest(dir: string): Promise<ProjectManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw usageError(`no ${MANIFEST_FILE} in ${dir}`, 'Run it in a project directory, or create one with `somaagent init`.');
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw usageError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ProjectManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw usageError(`${path} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}

async function readPrompt(dir: string, file: string): Promise<LocalPrompt> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch (err) {
    throw usageError(`cannot read the prompt file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const parsed = parsePromptFile(text, file);
    // The template and its variables schema are checked by the API on deploy (400 with every
    // problem): the CLI speaks HTTP only and keeps no copy of the server's checks.
    return {
      file,
      name: parsed.name,
      description: parsed.description,
      labels: parsed.labels,
      content: parsed.content,
      variables: parsed.variables,
      note: parsed.note,
      contentHash: contentHash({ content: parsed.content, variables: parsed.variables }),
    };
  } catch (err) {
    if (err instanceof PromptFileError) throw usageError(err.message);
    throw err;
  }
}

export async function loadProject(dirArg = '.'): Promise<Project> {
  const dir = resolve(dirArg);
  const manifest = await readManifest(dir);
  const prompts = await Promise.all(manifest.prompts.map((file) => readPrompt(dir, file)));
  const seen = new Map<string, string>();
  for (const p of prompts) {
    const other = seen.get(p.name);
    if (other) throw usageError(`the prompt name "${p.name}" is used by both ${other} and ${p.file}`);
    seen.set(p.name, p.file);
  }
  if (manifest.capsule) {
    for (const name of manifest.capsule.prompts ?? []) {
      if (!seen.has(name)) throw usageError(`capsule.prompts names "${name}", which is not one of the project's prompts (${[...seen.keys()].join(', ') || 'none'})`);
    }
    const policy = manifest.capsule.model_policy;
    if (typeof policy === 'string' && !manifest.policies[policy]) throw usageError(`capsule.model_policy names "${policy}", which is not in "policies"`);
  }
  return { dir, manifest, prompts };
}
