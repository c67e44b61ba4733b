import type { Tenant, TenantStore } from '../stores/tenants.ts';
import { notFound } from './api-error.ts';

/** The shape of every id we hand out (tenants, keys, budgets); anything else cannot exist. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The tenant named in an admin path, or a 404 `tenant_not_found`. */
export async function requireTenant(tenants: TenantStore, raw: unknown): Promise<Tenant> {
  const tenantId = String(raw);
  const tenant = ID_PATTERN.test(tenantId) ? await tenants.get(tenantId) : undefined;
  if (!tenant) throw notFound('tenant_not_found', `No tenant "${tenantId}".`);
  return tenant;
}
