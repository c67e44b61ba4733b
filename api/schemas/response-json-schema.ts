import { z } from 'zod';

/**
 * A response zod schema as the OpenAPI document's JSON Schema. Answers may gain fields without
 * a breaking change, so objects stay open (no `additionalProperties: false`), and z.int()'s
 * safe-integer bounds say nothing a client needs, so they are left out.
 */
export function responseJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'output',
    override: ({ jsonSchema }) => {
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
      if (jsonSchema.type === 'integer') {
        if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
        if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      }
    },
  });
  return json;
}
