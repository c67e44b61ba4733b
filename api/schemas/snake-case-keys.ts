/**
 * The API speaks snake_case. Routes with their own serializer write snake_case keys by hand;
 * what goes out raw — a workflow's query answer, the result of a run kind without its own
 * serializer — is workflow state written in TypeScript's camelCase, so it passes through here.
 *
 * Only keys change, never values. Keys that are data rather than field names (a routing
 * decision's `signals`, say) are snake_case already, and converting them is a no-op.
 */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[snakeCase(key)] = snakeCaseKeys(inner);
  return out;
}

/** `fallbackDepth` -> `fallback_depth`, `budgetId` -> `budget_id`; a snake_case key is unchanged. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  // Dates, Buffers and other class instances serialise themselves (toJSON); leave them whole.
  return proto === Object.prototype || proto === null;
}
