import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { SloFileSchema, sloDefinitions, type SloDefinition } from './slo-spec.ts';

/** infra/slo/ of this checkout: the SLO specs ship with the code that meets them. */
export const SLO_SPEC_DIR = resolve(fileURLToPath(new URL('../../infra/slo', import.meta.url)));

/** Every `*.yaml` in the folder, parsed and checked (a bad file fails with its name and the first problem). */
export async function loadSloDefinitions(dir = SLO_SPEC_DIR): Promise<SloDefinition[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const files = [];
  for (const name of names) {
    const parsed = SloFileSchema.safeParse(parse(await readFile(join(dir, name), 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${join(dir, name)}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    }
    files.push(parsed.data);
  }
  return sloDefinitions(files);
}
