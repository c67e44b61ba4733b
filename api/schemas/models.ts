import { z } from 'zod';
import { ModelBodySchema } from '../routes/models.ts';

/** A registry model as the model endpoints answer it: what an admin puts, plus where it came from. */
export const ModelSchema = ModelBodySchema.extend({
  id: z.string(),
  object: z.literal('model'),
  source: z.enum(['catalogue', 'admin']),
  updated_at: z.string().meta({ format: 'date-time' }),
  /** OpenAI's model object fields, so OpenAI clients can list models too: unix seconds (of the last update). */
  created: z.number().int(),
  /** OpenAI's model object field: the provider that serves the model. */
  owned_by: z.string(),
  /** Only on `local/*` models whose GGUF is installed on this machine (`somaagent models add-local`). */
  local: z
    .object({
      kind: z.enum(['chat', 'base']),
      /** `pypi:<package>==<version>` or the path the file was added from. */
      source: z.string(),
      size_bytes: z.number().int(),
      sha256: z.string(),
    })
    .optional()
    .describe("The installed GGUF file of a local model: where it came from, its size and checksum."),
});

export type ModelJson = z.infer<typeof ModelSchema>;
