import { z } from 'zod';
import { CapsuleManifestSchema } from '../../core/capsules/capsule-manifest.ts';

/**
 * The capsule registry's answers. The serializers in api/routes/capsules.ts are typed by them
 * and the OpenAPI document derives its schemas from them.
 */

const timestamp = () => z.string().meta({ format: 'date-time' });

export const CapsuleSchema = z.object({
  object: z.literal('capsule'),
  name: z.string(),
  description: z.string(),
  latest_version: z.string(),
  versions: z.array(z.string()).describe('Newest first.'),
  publisher_tenant_id: z.string(),
});

/** One published version: its manifest (as stored, defaults filled in) plus where it came from. */
export const CapsuleVersionSchema = z.object({
  object: z.literal('capsule_version'),
  ...CapsuleManifestSchema.shape,
  content_hash: z.string(),
  publisher_tenant_id: z.string(),
  created_at: timestamp(),
});

export const CapsuleInstallSchema = z.object({
  object: z.literal('capsule_install'),
  name: z.string(),
  version: z.string(),
  installed_at: timestamp(),
  // The rest only in the answer of an install.
  prompts: z
    .array(z.object({ name: z.string(), version: z.number().int(), created: z.boolean(), labels: z.array(z.string()) }))
    .optional()
    .describe('Each template and the version it now has (new, or the identical one it already had).'),
  policy: z.string().optional().describe('The model policy the install created (named after the capsule).'),
  tools: z
    .array(z.object({ name: z.string(), version: z.number().int(), created: z.boolean() }))
    .optional()
    .describe("Each tool the capsule wrote into the tenant's registry and the version it now has."),
  required_tools: z.array(z.string()).optional(),
});

export type CapsuleJson = z.infer<typeof CapsuleSchema>;
export type CapsuleVersionJson = z.infer<typeof CapsuleVersionSchema>;
export type CapsuleInstallJson = z.infer<typeof CapsuleInstallSchema>;
