import { z } from 'zod';
import { API_KEY_ROLES } from '../../core/access/api-key-role.ts';

/** The admin endpoints' answers: tenants and API keys. tenantJson and keyJson in api/routes/admin.ts are typed by them. */

const timestamp = () => z.string().meta({ format: 'date-time' });

export const TenantSchema = z.object({ id: z.string(), object: z.literal('tenant'), name: z.string(), created_at: timestamp() });

export const ApiKeySchema = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  tenant_id: z.string(),
  name: z.string(),
  display_prefix: z.string().describe('The first characters of the key, to recognise it.'),
  role: z.enum(API_KEY_ROLES).describe('What the key may do (see the keys-and-roles page).'),
  admin: z.boolean().describe('Same as role "admin".'),
  created_at: timestamp(),
  revoked_at: timestamp().nullable(),
  // Only the creation route adds it; the key itself is never stored.
  key: z
    .string()
    .nullable()
    .optional()
    .describe('The plaintext key; present only in the creation response. null in an idempotent replay of it (header Soma-Secret-Redacted: key): the key is never stored.'),
});

export type TenantJson = z.infer<typeof TenantSchema>;
export type ApiKeyJson = z.infer<typeof ApiKeySchema>;
