import { Router } from 'express';
import { z } from 'zod';
import { API_KEY_ROLES, DEFAULT_API_KEY_ROLE } from '../../core/access/api-key-role.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../../stores/api-keys.ts';
import type { TenantStore, Tenant } from '../../stores/tenants.ts';
import { notFound } from '../api-error.ts';
import { requireAdmin, type Authenticator } from '../middleware/auth.ts';
import { declareSecretFields } from '../middleware/idempotency.ts';
import { parseInput } from '../validation.ts';
import type { ApiKeyJson, TenantJson } from '../schemas/admin.ts';
import { ID_PATTERN, requireTenant } from '../tenant-lookup.ts';

const CreateTenantSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();
const CreateKeySchema = z
  .object({
    name: z.string().trim().min(1).max(200).default('default'),
    role: z.enum(API_KEY_ROLES).optional(),
    /** The older way to ask for an admin key; `role` says it and more. */
    admin: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.admin === undefined || b.role === undefined || b.admin === (b.role === 'admin'), {
    message: '"admin" and "role" disagree; send only "role".',
    path: ['admin'],
  });

const tenantJson = (t: Tenant): TenantJson => ({ id: t.id, object: 'tenant', name: t.name, created_at: t.createdAt.toISOString() });
const keyJson = (k: ApiKeyRecord): ApiKeyJson => ({
  id: k.id,
  object: 'api_key',
  tenant_id: k.tenantId,
  name: k.name,
  display_prefix: k.displayPrefix,
  role: k.role,
  admin: k.isAdmin,
  created_at: k.createdAt.toISOString(),
  revoked_at: k.revokedAt?.toISOString() ?? null,
});

export interface AdminRouteDeps {
  tenants: TenantStore;
  keys: ApiKeyStore;
  auth: Authenticator;
}

export function adminRouter(deps: AdminRouteDeps): Router {
  const router = Router();
  router.use('/v1/admin', requireAdmin);

  router.post('/v1/admin/tenants', async (req, res) => {
    const body = parseInput(CreateTenantSchema, req.body);
    res.status(201).json(tenantJson(await deps.tenants.create(body.name)));
  });

  router.get('/v1/admin/tenants', async (_req, res) => {
    res.json({ object: 'list', data: (await deps.tenants.list()).map(tenantJson) });
  });

  router.post('/v1/admin/tenants/:tenantId/keys', async (req, res) => {
    const body = parseInput(CreateKeySchema, req.body ?? {});
    const { id: tenantId } = await requireTenant(deps.tenants, req.params.tenantId);
    const role = body.role ?? (body.admin ? 'admin' : DEFAULT_API_KEY_ROLE);
    const created = await deps.keys.create({ tenantId, name: body.name, role });
    // The only response that ever carries the plaintext key; an idempotent replay of it gets
    // "key": null (the stored copy never holds the key).
    declareSecretFields(res, ['key']);
    res.status(201).json({ ...keyJson(created), key: created.secret });
  });

  router.get('/v1/admin/tenants/:tenantId/keys', async (req, res) => {
    const { id: tenantId } = await requireTenant(deps.tenants, req.params.tenantId);
    res.json({ object: 'list', data: (await deps.keys.listForTenant(tenantId)).map(keyJson) });
  });

  router.delete('/v1/admin/keys/:keyId', async (req, res) => {
    const keyId = String(req.params.keyId);
    const revoked = ID_PATTERN.test(keyId) ? await deps.keys.revoke(keyId) : undefined;
    if (!revoked) throw notFound('api_key_not_found', `No API key "${keyId}".`);
    deps.auth.forget(keyId);
    res.json(keyJson(revoked));
  });

  return router;
}
