import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loadPromptTemplates, readTemplateFiles } from '../core/prompts/prompt-library-loader.ts';
import { createPromptServices, type PromptServices } from '../core/prompts/prompt-services.ts';
import { parseTemplateFile } from '../core/prompts/template-file.ts';
import { createPool, type Pool } from '../platform/db/pool.ts';
import { createTenantStore } from '../stores/tenants.ts';

const LIBRARY = resolve('prompts/library');
let pool: Pool;
let services: PromptServices;
let tenantId: string;
let scratch: string;

beforeAll(async () => {
  pool = createPool(inject('databaseUrl'), 4);
  services = createPromptServices(pool);
  tenantId = (await createTenantStore(pool).create('library')).id;
  scratch = mkdtempSync(join(tmpdir(), 'soma-prompts-'));
});
afterAll(async () => {
  await pool?.end();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const load = (dir: string, tenant = tenantId) => loadPromptTemplates({ dir, tenantId: tenant, templates: services.templates, engine: services.engine });

describe('the shipped library', async () => {
  const files = await readTemplateFiles(LIBRARY);

  it('has at least 25 templates, each with a description, a variables schema, an example and the production label', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    expect(files.filter((f) => f.error)).toEqual([]);
    const names = files.map((f) => f.parsed!.name);
    expect(new Set(names).size).toBe(names.length);
    for (const { file, parsed } of files) {
      expect(file).toBe(`${parsed!.name}.md`);
      expect(parsed!.description.length, file).toBeGreaterThan(20);
      expect(Object.keys((parsed!.variables as { properties?: object }).properties ?? {}).length, file).toBeGreaterThan(0);
      expect(parsed!.example, file).toBeDefined();
      expect(parsed!.labels, file).toContain('production');
    }
  });

  it('loads with one call, every file checked in the sandbox', async () => {
    const report = await load(LIBRARY);
    expect(report.failed).toEqual([]);
    expect(report.created.sort()).toEqual(files.map((f) => f.parsed!.name).sort());
    expect(report.labelsMoved).toHaveLength(files.length);
  });

  it.each(files.map((f) => [f.parsed!.name, f.parsed!] as const))('renders %s with its example', async (name, parsed) => {
    const rendered = await services.renderer.render(tenantId, name, { label: 'production' }, parsed.example!);
    const text = rendered.type === 'text' ? rendered.text : rendered.messages.map((m) => m.content).join('\n');
    expect(text.trim().length).toBeGreaterThan(20);
    expect(text).not.toMatch(/undefined|\[object Object\]|\{\{|\{%/);
    if (rendered.type === 'chat') {
      expect(rendered.messages[0]!.role).toBe('system');
      expect(rendered.messages.at(-1)!.role).toBe('user');
    }
    // Every free-text example value shows up in the prompt: nothing is silently dropped (enums only steer).
    const properties = (parsed.variables as { properties: Record<string, { enum?: unknown[] }> }).properties;
    for (const [key, value] of Object.entries(parsed.example!)) {
      if (typeof value === 'string' && !properties[key]?.enum && value.length < 200) expect(text, key).toContain(value.trim());
    }
  });
});

describe('the loader', () => {
  it('is idempotent: a second load writes nothing', async () => {
    const report = await load(LIBRARY);
    expect(report).toMatchObject({ created: [], versioned: [], labelsMoved: [], failed: [] });
    expect(report.unchanged.length).toBeGreaterThanOrEqual(25);
  });

  it('turns a changed file into a new version, moves its labels, and reports a bad file without stopping', async () => {
    const dir = join(scratch, 'changed');
    cpSync(LIBRARY, dir, { recursive: true });
    const file = join(dir, 'summarize.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('You write faithful summaries.', 'You write faithful, neutral summaries.'));
    writeFileSync(join(dir, 'zz-evil.md'), '---\nname: zz-evil\nvariables:\n  properties:\n    x: { type: string }\n---\n{{ x.constructor.constructor("return process")() }}\n');
    writeFileSync(join(dir, 'zz-no-front-matter.md'), 'just text\n');
    const report = await load(dir);
    expect(report.versioned).toEqual([{ name: 'summarize', version: 2 }]);
    expect(report.labelsMoved).toEqual([{ name: 'summarize', label: 'production', from: 1, to: 2 }]);
    expect(report.failed.map((f) => f.file)).toEqual(['zz-evil.md', 'zz-no-front-matter.md']);
    expect(report.failed[0]!.message).toContain('sandbox');
    const history = await services.templates.labelHistory(tenantId, 'summarize', { limit: 1 });
    expect(history[0]).toMatchObject({ actor: 'loader', fromVersion: 1, toVersion: 2 });
  });

  it('parses chat sections and text bodies', () => {
    const chat = parseTemplateFile('---\nname: x\n---\n\n=== system ===\nBe brief.\n\n=== user ===\n{{ q }}\n', 'x.md');
    expect(chat.content).toEqual({ type: 'chat', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '{{ q }}' }] });
    expect(parseTemplateFile('---\nname: y\n---\nHello\n\n', 'y.md').content).toEqual({ type: 'text', text: 'Hello' });
    expect(() => parseTemplateFile('---\nname: z\n---\nstray\n=== user ===\nq\n', 'z.md')).toThrow(/before the first/);
    expect(() => parseTemplateFile('---\nname: Bad Name\n---\nq\n', 'b.md')).toThrow(/name/);
  });

  it('runs as `npm run prompts:load` (the script), printing a JSON summary last', async () => {
    const tenant = (await createTenantStore(pool).create('script')).id;
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: inject('databaseUrl') };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/load-prompt-templates.ts', LIBRARY, '--tenant', tenant], { env });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(summary.created.length).toBeGreaterThanOrEqual(25);
    const missing = await run(process.execPath, ['--import', 'tsx', 'scripts/load-prompt-templates.ts', '--tenant', 'no-such-tenant'], { env }).catch((err: { code: number; stderr: string }) => err);
    expect(missing).toMatchObject({ code: 2 });
    expect((missing as { stderr: string }).stderr).toContain('no tenant');
  });
});
