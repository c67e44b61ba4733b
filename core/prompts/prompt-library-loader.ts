/**
 * Loads a folder of template files into a tenant, idempotently: a new name becomes a template, a
 * changed file becomes the next version, an unchanged file writes nothing; labels named in the
 * front matter are moved to the file's version when they point elsewhere. Each file is checked in
 * the sandbox first; a bad file is reported and the others still load.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PromptTemplateStore } from '../../stores/prompt-templates.ts';
import { checkDefinition } from './template-definition.ts';
import type { TemplateEngine } from './template-engine.ts';
import { parseTemplateFile, TemplateFileError, type TemplateFile } from './template-file.ts';

export interface LoadReport {
  created: string[];
  versioned: Array<{ name: string; version: number }>;
  unchanged: string[];
  labelsMoved: Array<{ name: string; label: string; from: number | null; to: number }>;
  failed: Array<{ file: string; message: string; details?: unknown }>;
}

export interface LoadOptions {
  dir: string;
  tenantId: string;
  templates: PromptTemplateStore;
  engine: TemplateEngine;
  /** Recorded as the creator of versions and the actor of label moves. */
  actor?: string;
}

/** The template files of a folder (`*.md`), parsed, in name order. */
export async function readTemplateFiles(dir: string): Promise<Array<{ file: string; parsed?: TemplateFile; error?: TemplateFileError }>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(
    files.map(async (file) => {
      try {
        return { file, parsed: parseTemplateFile(await readFile(join(dir, file), 'utf8'), file) };
      } catch (err) {
        if (err instanceof TemplateFileError) return { file, error: err };
        throw err;
      }
    }),
  );
}

export async function loadPromptTemplates(options: LoadOptions): Promise<LoadReport> {
  const { templates, tenantId, engine } = options;
  const actor = options.actor ?? 'loader';
  const report: LoadReport = { created: [], versioned: [], unchanged: [], labelsMoved: [], failed: [] };
  const seen = new Map<string, string>();

  for (const { file, parsed, error } of await readTemplateFiles(options.dir)) {
    if (!parsed) {
      report.failed.push({ file, message: error!.message, details: error!.problems });
      continue;
    }
    const earlier = seen.get(parsed.name);
    if (earlier) {
      report.failed.push({ file, message: `the name "${parsed.name}" is also used by ${earlier}` });
      continue;
    }
    seen.set(parsed.name, file);
    try {
      const checked = checkDefinition(engine, parsed.name, { content: parsed.content, variables: parsed.variables });
      const version = { ...checked, note: parsed.note ?? `loaded from ${file}`, createdBy: actor };
      const existing = await templates.getTemplate(tenantId, parsed.name);
      if (!existing) {
        await templates.createTemplate({ tenantId, name: parsed.name, description: parsed.description, version, labels: parsed.labels });
        report.created.push(parsed.name);
        for (const label of parsed.labels) report.labelsMoved.push({ name: parsed.name, label, from: null, to: 1 });
        continue;
      }
      const added = await templates.addVersion(tenantId, parsed.name, version);
      if (added.created) report.versioned.push({ name: parsed.name, version: added.version.version });
      else report.unchanged.push(parsed.name);
      await templates.updateDescription(tenantId, parsed.name, parsed.description);
      for (const label of parsed.labels) {
        const move = await templates.moveLabel({ tenantId, name: parsed.name, label, version: added.version.version, actor, reason: `loaded from ${file}` });
        if (move.moved) report.labelsMoved.push({ name: parsed.name, label, from: move.fromVersion, to: added.version.version });
      }
    } catch (err) {
      const details = (err as { problems?: unknown }).problems;
      report.failed.push({ file, message: err instanceof Error ? err.message : String(err), ...(details !== undefined && { details }) });
    }
  }
  return report;
}
