import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminKey } from '../tooling/stack/admin-key.ts';
import { API_KEY_PREFIX } from '../stores/api-keys.ts';
import { describeFindings, findPlaintextApiKeys } from './support/secret-scan.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let p: TestPlatform;
const suffix = Date.now().toString(36);

beforeAll(async () => {
  p = await startTestPlatform({ worker: false });
});
afterAll(async () => p?.close());

const keyed = (key: string) => ({ 'idempotency-key': key });

describe('nothing secret at rest', () => {
  it('finds a planted key in text, jsonb and array columns (the scan is not blind)', async () => {
    const client = await p.pool.connect();
    try {
      const planted = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
      await client.query('CREATE TEMP TABLE planted_secrets (note text, doc jsonb, tags text[], raw bytea)');
      await client.query("INSERT INTO planted_secrets VALUES ($1, jsonb_build_object('deep', jsonb_build_array($1::text)), ARRAY[$1::text], convert_to($1, 'UTF8'))", [planted]);
      // A listing's display prefix (4 characters after the prefix) is not a key.
      await client.query('INSERT INTO planted_secrets (note) VALUES ($1)', [planted.slice(0, API_KEY_PREFIX.length + 4)]);
      const findings = (await findPlaintextApiKeys(client)).filter((f) => f.table.endsWith('.planted_secrets'));
      expect(findings.map((f) => [f.column, f.rows])).toEqual([
        ['doc', 1],
        ['note', 1],
        ['raw', 1],
        ['tags', 1],
      ]);
      expect(describeFindings(findings)).not.toContain(planted);
      await client.query('DROP TABLE planted_secrets');
    } finally {
      client.release();
    }
  });

  it('holds no plaintext API key in any table after every key-creating path', async () => {
    const secrets: string[] = [];
    const admin = (path: string, body: unknown, headers: Record<string, string> = {}) => p.call(path, { key: p.adminKey, body, headers });

    // Tenants and keys through the API, with and without an Idempotency-Key, replayed too.
    const tenant = await admin('/v1/admin/tenants', { name: `secrets-${suffix}` }, keyed(`t-${suffix}`));
    expect(tenant.status).toBe(201);
    expect((await admin('/v1/admin/tenants', { name: `secrets-${suffix}` }, keyed(`t-${suffix}`))).headers.get('idempotent-replayed')).toBe('true');
    const keysPath = `/v1/admin/tenants/${tenant.body.id}/keys`;
    for (const [i, body] of [{ name: 'member' }, { name: 'admin', admin: true }].entries()) {
      const created = await admin(keysPath, body, keyed(`k-${suffix}-${i}`));
      expect(created.status).toBe(201);
      secrets.push(created.body.key);
      const replayed = await admin(keysPath, body, keyed(`k-${suffix}-${i}`));
      expect(replayed.status).toBe(201);
      expect(replayed.body.key).toBeNull();
    }
    const plain = await admin(keysPath, { name: 'no idempotency key' });
    expect(plain.status).toBe(201);
    secrets.push(plain.body.key);
    // A key created by the new admin key (a key that did not exist at start), and one the
    // new member key is refused (its 403 is kept for its retries, and holds nothing secret).
    const byNewAdmin = await p.call(keysPath, { key: secrets[1]!, body: { name: 'second generation' }, headers: keyed(`k-${suffix}-g2`) });
    expect(byNewAdmin.status).toBe(201);
    secrets.push(byNewAdmin.body.key);
    expect((await p.call(keysPath, { key: secrets[0]!, body: { name: 'x' }, headers: keyed(`k-${suffix}-g2`) })).status).toBe(403);

    // The first-start bootstrap: the generated key goes to a 0600 file, the preset one stays in the environment.
    const stateDir = mkdtempSync(join(tmpdir(), 'soma-secrets-'));
    try {
      const preset = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
      await ensureAdminKey(p.pool, stateDir, preset);
      secrets.push(preset);
      const generated = await ensureAdminKey(p.pool, stateDir);
      if (generated.newKey) {
        secrets.push(generated.newKey);
        expect(readFileSync(join(stateDir, 'admin-key'), 'utf8').trim()).toBe(generated.newKey);
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }

    // Every key is live (so they really were created) ...
    for (const secret of secrets) expect((await p.call('/v1/runs', { key: secret })).status).toBe(200);
    // ... and none of them, nor any other key, sits anywhere in Postgres.
    const findings = await findPlaintextApiKeys(p.pool);
    expect(findings, describeFindings(findings)).toEqual([]);
    const { rows } = await p.pool.query<{ response: string }>("SELECT response::text AS response FROM idempotency_keys WHERE key LIKE $1", [`%${suffix}%`]);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) for (const secret of secrets) expect(row.response ?? '').not.toContain(secret);
  });
});
