import { z } from 'zod';

/**
 * A response zod schema as the OpenAPI document's JSON Schema. Answers may gain fields without
 * a breaking change, so objects stay open (no `additionalProperties: false`), and z.int()'s
 * safe-integer bounds say nothing a client needs, so they are left out. `refs` names schemas
 * that are components of their own (a RAG answer's completion is a Completion): they become
 * $refs instead of a copy, so the SDK types share one type.
 */
export function responseJsonSchema(schema: z.ZodType, refs: ReadonlyMap<z.ZodType, string> = new Map<z.ZodType, string>()): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'output',
    override: ({ zodSchema, jsonSchema }) => {
      const component = (refs as ReadonlyMap<unknown, string>).get(zodSchema);
      if (component) {
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
        jsonSchema.$ref = `#/components/schemas/${component}`;
        return;
      }
      if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
      if (jsonSchema.type === 'integer') {
        if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
        if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      }
    },
  });
  return json;
}
