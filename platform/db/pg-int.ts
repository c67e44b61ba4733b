import { z } from 'zod';

/** Postgres `integer` holds up to 2^31 - 1; a larger version or count fails the query (22003). */
export const PG_INT_MAX = 2_147_483_647;

/** A version number or count bound for an `integer` column: 1 .. 2^31 - 1. */
export const pgInt = () => z.number().int().min(1).max(PG_INT_MAX);

/** The same, from a query string or path (text coerced to a number). */
export const pgIntQuery = () => z.coerce.number().int().min(1).max(PG_INT_MAX);
