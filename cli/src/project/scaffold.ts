/**
 * Project templates for `somaagent init`: every folder of `examples/` with a somaagent.json.
 * A new project is a copy of one, renamed: the template's name (and the `<name>-` prefix of its
 * prompt, policy and capsule names, which are tenant-wide) becomes the project's, and the model
 * of its policy can be chosen.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { EXAMPLES_DIR } from '../repo-root.ts';
import { MANIFEST_FILE, type PolicySpec, type ProjectManifest } from './project-manifest.ts';

export interface ProjectTemplate {
  name: string;
  dir: string;
  description: string;
  /** The model(s) of the template's main policy, as `a` or `a,b` (a fallback chain). */
  model: string | undefined;
}

const SKIP = new Set(['node_modules', 'dist', '.git', '.soma']);

/** The policy a project's capsule uses, else its first one. */
function mainPolicy(manifest: ProjectManifest): [string, PolicySpec] | undefined {
  const chosen = manifest.capsule?.model_policy;
  if (typeof chosen === 'string' && manifest.policies[chosen]) return [chosen, manifest.policies[chosen]];
  return Object.entries(manifest.policies)[0];
}

const modelText = (p: PolicySpec | undefined) => p?.model ?? p?.models?.join(',');

export async function listTemplates(root = EXAMPLES_DIR): Promise<ProjectTemplate[]> {
  const templates: ProjectTemplate[] = [];
  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    try {
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as ProjectManifest;
      templates.push({ name: entry.name, dir, description: manifest.description ?? '', model: modelText(mainPolicy(manifest)?.[1]) });
    } catch {
      // not a project template
    }
  }
  return templates.sort((a, b) => (a.name === 'starter' ? -1 : b.name === 'starter' ? 1 : a.name.localeCompare(b.name)));
}

/** True when the directory does not exist or has nothing in it. */
export async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

async function filesOf(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesOf(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** `a` → `{ model: a }`, `a,b` → `{ models: [a, b] }`. */
export function modelChoice(text: string): Pick<PolicySpec, 'model' | 'models'> {
  const models = text.split(',').map((m) => m.trim()).filter(Boolean);
  return models.length === 1 ? { model: models[0]! } : { models };
}

export interface ScaffoldOptions {
  template: ProjectTemplate;
  dir: string;
  name: string;
  /** `a` or `a,b`; undefined keeps the template's. */
  model?: string | undefined;
}

/** Copies the template into `dir`, renamed; returns the files written, relative to `dir`. */
export async function scaffold(options: ScaffoldOptions): Promise<string[]> {
  const { template, dir, name } = options;
  const manifest = JSON.parse(await readFile(join(template.dir, MANIFEST_FILE), 'utf8')) as ProjectManifest;
  const old = manifest.name;
  const rename = (value: string) => (value === old ? name : value.startsWith(`${old}-`) ? `${name}${value.slice(old.length)}` : value);
  const renamePath = (path: string) => path.split('/').map((part) => (part.startsWith(`${old}-`) ? rename(part) : part)).join('/');

  const written: string[] = [];
  const write = async (relPath: string, content: string | undefined, source: string) => {
    const target = join(dir, relPath);
    await mkdir(dirname(target), { recursive: true });
    if (content === undefined) await copyFile(source, target);
    else await writeFile(target, content);
    written.push(relPath);
  };

  for (const source of await filesOf(template.dir)) {
    const relPath = relative(template.dir, source).split('\\').join('/');
    const target = renamePath(relPath);
    if (relPath === MANIFEST_FILE) {
      await write(target, `${JSON.stringify(renameManifest(manifest, name, rename, renamePath, options.model), null, 2)}\n`, source);
    } else if (relPath === 'package.json') {
      const pkg = JSON.parse(await readFile(source, 'utf8')) as Record<string, unknown>;
      await write(target, `${JSON.stringify({ ...pkg, name }, null, 2)}\n`, source);
    } else if (relPath.endsWith('.md') && manifest.prompts.includes(relPath)) {
      // The template's name in its front matter.
      const text = await readFile(source, 'utf8');
      await write(target, text.replace(/^(---\r?\n[\s\S]*?^name:[ \t]*)(\S+)/m, (_m, head: string, value: string) => `${head}${rename(value)}`), source);
    } else if (relPath === 'README.md') {
      const text = await readFile(source, 'utf8');
      await write(target, text.replace(/^# .*$/m, `# ${name}`), source);
    } else {
      await write(target, undefined, source);
    }
  }
  return written.sort();
}

function renameManifest(manifest: ProjectManifest, name: string, rename: (v: string) => string, renamePath: (p: string) => string, model: string | undefined): ProjectManifest {
  const policies = Object.fromEntries(Object.entries(manifest.policies).map(([key, spec]) => [rename(key), { ...spec }]));
  const next: ProjectManifest = { ...manifest, name, prompts: manifest.prompts.map(renamePath), policies };
  if (manifest.capsule) {
    const policy = manifest.capsule.model_policy;
    next.capsule = {
      ...manifest.capsule,
      name: rename(manifest.capsule.name),
      ...(manifest.capsule.prompts && { prompts: manifest.capsule.prompts.map(rename) }),
      model_policy: typeof policy === 'string' ? rename(policy) : policy,
    };
  }
  if (model) {
    const main = mainPolicy(next);
    if (main) {
      const { model: _model, models: _models, ...rest } = main[1];
      next.policies[main[0]] = { ...modelChoice(model), ...rest };
    }
  }
  return next;
}
