import { z } from 'zod';
import { BUILTIN_TOOLS } from '../../core/tools/tool-activity-contract.ts';
import { HttpToolSchema, InputSchemaSchema } from '../../core/tools/tool-spec.ts';

/**
 * The tool registry's and the secret store's answers. The serializers in api/routes/tools.ts and
 * api/routes/secrets.ts are typed by them and the OpenAPI document derives its schemas from them.
 * A secret's value is never part of any answer.
 */

const timestamp = () => z.string().meta({ format: 'date-time' });

/** One tool version: its spec as stored (defaults filled in) plus version, labels and origin. */
export const ToolSchema = z.object({
  object: z.literal('tool'),
  name: z.string(),
  version: z.int().describe('Versions are immutable and numbered from 1; a plain name means the latest.'),
  labels: z.array(z.string()).describe('Labels pointing at this version.'),
  source: z.string().nullable().describe('The capsule (name@version) that installed it; null when written through the API.'),
  created_at: timestamp(),
  kind: z.enum(['http', 'builtin']),
  description: z.string(),
  input_schema: InputSchemaSchema,
  requires_approval: z.boolean(),
  timeout_ms: z.int(),
  builtin: z.enum(BUILTIN_TOOLS).optional(),
  http: HttpToolSchema.optional(),
});
export type ToolJson = z.infer<typeof ToolSchema>;

/** A secret as listed: its name and dates, never its value. */
export const SecretSchema = z.object({
  object: z.literal('secret'),
  name: z.string(),
  created_at: timestamp(),
  updated_at: timestamp(),
});
export type SecretJson = z.infer<typeof SecretSchema>;
