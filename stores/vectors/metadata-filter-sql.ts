import type { FieldCondition, MetadataFilter } from '../../core/memory/metadata-filter.ts';

/**
 * Compiles a metadata filter to a SQL condition over a `metadata jsonb` column, with every
 * field name and value bound as a parameter (nothing from the filter is spliced into SQL).
 * Semantics follow matchesFilter in common/metadata-filter.ts, which the tests check against.
 */
export function filterToSql(filter: MetadataFilter | undefined, params: unknown[], column = 'metadata'): string {
  if (!filter) return 'true';
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // A field's values as a jsonb array, so a list field matches when any element does.
  const elements = (field: string) =>
    `(CASE WHEN jsonb_typeof(${column} -> ${field}) = 'array' THEN ${column} -> ${field} WHEN ${column} ? ${field} THEN jsonb_build_array(${column} -> ${field}) ELSE '[]'::jsonb END)`;
  const anyOf = (field: string, values: unknown[]) =>
    `EXISTS (SELECT 1 FROM jsonb_array_elements(${elements(field)}) AS e(v) WHERE e.v = ANY(${bind(values.map((v) => JSON.stringify(v)))}::jsonb[]))`;
  // Containment lets a GIN index on the column serve the common equality case.
  const equals = (field: string, value: unknown) =>
    `(${column} @> jsonb_build_object(${field}, ${bind(JSON.stringify(value))}::jsonb) OR ${column} @> jsonb_build_object(${field}, jsonb_build_array(${bind(JSON.stringify(value))}::jsonb)))`;
  const numeric = (field: string, op: string, value: unknown) =>
    `(CASE WHEN jsonb_typeof(${column} -> ${field}) = 'number' THEN (${column} ->> ${field})::float8 ${op} ${bind(Number(value))}::float8 ELSE false END)`;

  const condition = (name: string, cond: FieldCondition): string => {
    const field = `${bind(name)}::text`;
    if (typeof cond !== 'object' || cond === null) return equals(field, cond);
    const parts: string[] = [];
    for (const [op, operand] of Object.entries(cond)) {
      switch (op) {
        case '$eq':
          parts.push(equals(field, operand));
          break;
        case '$ne':
          parts.push(`NOT ${equals(field, operand)}`);
          break;
        case '$in':
          parts.push(anyOf(field, operand as unknown[]));
          break;
        case '$nin':
          parts.push(`NOT ${anyOf(field, operand as unknown[])}`);
          break;
        case '$gt':
          parts.push(numeric(field, '>', operand));
          break;
        case '$gte':
          parts.push(numeric(field, '>=', operand));
          break;
        case '$lt':
          parts.push(numeric(field, '<', operand));
          break;
        case '$lte':
          parts.push(numeric(field, '<=', operand));
          break;
        case '$exists':
          parts.push(`((${column} ? ${field}) = ${bind(Boolean(operand))}::boolean)`);
          break;
        default:
          throw new Error(`unknown filter operator ${op}`);
      }
    }
    return parts.length === 0 ? 'true' : `(${parts.join(' AND ')})`;
  };

  const compile = (f: MetadataFilter): string => {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(f)) {
      if (value === undefined) continue;
      if (key === '$and') parts.push(`(${(value as MetadataFilter[]).map(compile).join(' AND ')})`);
      else if (key === '$or') parts.push(`(${(value as MetadataFilter[]).map(compile).join(' OR ')})`);
      else parts.push(condition(key, value as FieldCondition));
    }
    return parts.length === 0 ? 'true' : `(${parts.join(' AND ')})`;
  };
  return compile(filter);
}
