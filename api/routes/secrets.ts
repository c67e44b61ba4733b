import { Router } from 'express';
import { z } from 'zod';
import { SECRET_NAME } from '../../core/tools/tool-spec.ts';
import type { TenantSecretInfo, TenantSecretStore } from '../../stores/tenant-secrets.ts';
import { ApiError, notFound } from '../api-error.ts';
import { principalOf, requireAdmin } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';
import type { SecretJson } from '../schemas/tools.ts';

/** The value is write-only: accepted here, never answered by any endpoint. */
export const SecretBodySchema = z.object({ value: z.string().min(1).max(16_384).describe('The secret value (write-only).') }).strict();

export function secretJson(s: TenantSecretInfo): SecretJson {
  return { object: 'secret', name: s.name, created_at: s.createdAt.toISOString(), updated_at: s.updatedAt.toISOString() };
}

function secretName(raw: unknown): string {
  const name = String(raw);
  if (!SECRET_NAME.test(name)) throw new ApiError(400, 'invalid_request_error', 'invalid_secret_name', `"${name}" is not a valid secret name: a letter then up to 63 letters, digits, "_", "." or "-".`);
  return name;
}

export function secretsRouter(deps: { secrets: TenantSecretStore }): Router {
  const router = Router();

  router.get('/v1/secrets', async (req, res) => {
    const secrets = await deps.secrets.list(principalOf(req).tenantId);
    res.json({ object: 'list', data: secrets.map(secretJson) });
  });

  router.put('/v1/secrets/:name', requireAdmin, async (req, res) => {
    const name = secretName(req.params.name);
    const { value } = parseInput(SecretBodySchema, req.body);
    const secret = await deps.secrets.put(principalOf(req).tenantId, name, value);
    res.status(secret.created ? 201 : 200).json(secretJson(secret));
  });

  router.delete('/v1/secrets/:name', requireAdmin, async (req, res) => {
    const name = secretName(req.params.name);
    if (!(await deps.secrets.delete(principalOf(req).tenantId, name))) throw notFound('secret_not_found', `No secret "${name}".`);
    res.json({ object: 'secret', name, deleted: true });
  });

  return router;
}
