import { writeFileSync } from 'node:fs';
import { createApiKeyStore } from '../../stores/api-keys.ts';
import type { Pool } from '../../platform/db/pool.ts';
import { createTenantStore } from '../../stores/tenants.ts';
import { adminKeyFile } from './admin-key-file.ts';

export const DEFAULT_TENANT_ID = 'default';

export interface AdminKeyOutcome {
  /** Set only when the key was created by this call: the one time it is shown. */
  newKey?: string;
  /** Where the plaintext can be found later: the key file, or the SOMA_ADMIN_KEY variable. */
  location: string;
}

/**
 * First start: creates the `default` tenant and an admin key for it. The database keeps only
 * the hash; the plaintext goes to a 0600 file in the state folder so local tools can use it.
 */
export async function ensureAdminKey(pool: Pool, stateDir: string, presetKey?: string): Promise<AdminKeyOutcome> {
  const keyFile = adminKeyFile(stateDir);
  await createTenantStore(pool).ensure(DEFAULT_TENANT_ID, 'Default tenant');
  const keys = createApiKeyStore(pool);
  if (presetKey) {
    if (!(await keys.findActiveBySecret(presetKey))) {
      await keys.create({ tenantId: DEFAULT_TENANT_ID, name: 'admin (SOMA_ADMIN_KEY)', isAdmin: true, secret: presetKey });
    }
    return { location: 'the SOMA_ADMIN_KEY environment variable' };
  }
  if (await keys.hasAnyAdminKey()) {
    return { location: keyFile };
  }
  const created = await keys.create({ tenantId: DEFAULT_TENANT_ID, name: 'admin (first start)', isAdmin: true });
  writeFileSync(keyFile, `${created.secret}\n`, { mode: 0o600 });
  return { newKey: created.secret, location: keyFile };
}
