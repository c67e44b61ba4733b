import type { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../platform/temporal/search-attributes.ts';

const INDEXED_VALUE_TYPE_KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.KEYWORD

/**
 * Registers our custom search attributes on a namespace that lacks them (an existing cluster;
 * the embedded dev server gets them as start flags). Safe to call from every worker start.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = CUSTOM_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPE_KEYWORD])),
    });
  } catch (err) {
    // Two workers starting together race to add them; the loser finds them already there.
    if (!/already exists/i.test(String(err))) throw err;
  }
}
