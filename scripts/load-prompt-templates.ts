/**
 * `npm run prompts:load -- [folder] [--tenant <id>]`: loads a folder of prompt template files
 * (default: the shipped library in prompts/library) into a tenant (default: `default`), the same
 * way every time: unchanged files write nothing, changed files become new versions, labels in the
 * front matter follow. Talks to DATABASE_URL, or to the embedded Postgres of `npm start`.
 * Prints a summary, then one JSON object as the last line; exits 1 when a file failed.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPromptTemplates } from '../core/prompts/prompt-library-loader.ts';
import { createTemplateEngine } from '../core/prompts/template-engine.ts';
import { loadEnv } from '../platform/config.ts';
import { createPool } from '../platform/db/pool.ts';
import { createPromptTemplateStore } from '../stores/prompt-templates.ts';
import { createTenantStore } from '../stores/tenants.ts';
import { embeddedPostgresUrl, readPostgresPassword } from '../tooling/stack/postgres-password.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tenant: { type: 'string', default: 'default' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  process.stdout.write('usage: npm run prompts:load -- [folder (default prompts/library)] [--tenant <id> (default: default)]\n');
  process.exit(0);
}

const env = loadEnv();
const dir = resolve(positionals[0] ?? 'prompts/library');
// The embedded Postgres takes the password `npm start` generated into the state folder.
const embeddedPassword = env.DATABASE_URL ? undefined : readPostgresPassword(resolve(env.SOMA_STATE_DIR));
if (!env.DATABASE_URL && !embeddedPassword) {
  process.stderr.write(`error: no ${env.SOMA_STATE_DIR}/postgres-password: start the platform once (npm start), or set DATABASE_URL\n`);
  process.exit(2);
}
const databaseUrl = env.DATABASE_URL ?? embeddedPostgresUrl('127.0.0.1', env.PGLITE_PORT, embeddedPassword!);
const pool = createPool(databaseUrl, 2);
try {
  const tenantId = values.tenant!;
  if (!(await createTenantStore(pool).get(tenantId))) {
    process.stderr.write(`error: no tenant "${tenantId}" (is the platform started, or DATABASE_URL set?)\n`);
    process.exitCode = 2;
  } else {
    const report = await loadPromptTemplates({ dir, tenantId, templates: createPromptTemplateStore(pool), engine: createTemplateEngine() });
    const say = (line: string) => process.stdout.write(`${line}\n`);
    say(`loaded ${dir} into tenant "${tenantId}"`);
    say(`  created    ${report.created.length}${report.created.length ? `: ${report.created.join(', ')}` : ''}`);
    say(`  versioned  ${report.versioned.length}${report.versioned.length ? `: ${report.versioned.map((v) => `${v.name}@${v.version}`).join(', ')}` : ''}`);
    say(`  unchanged  ${report.unchanged.length}`);
    const moves = report.labelsMoved.map((m) => `${m.name}:${m.label} → ${m.to}`);
    say(`  labels     ${moves.length} moved${moves.length > 0 && moves.length <= 10 ? `: ${moves.join(', ')}` : ''}`);
    for (const failure of report.failed) process.stderr.write(`  failed     ${failure.file}: ${failure.message}\n`);
    say(JSON.stringify({ tenant: tenantId, dir, ...report }));
    if (report.failed.length > 0) process.exitCode = 1;
  }
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
