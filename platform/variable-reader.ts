/**
 * How an adapter (vector store, embedder) reads its settings: variables this layer's config.ts
 * declares come from the parsed Env (validated, and all a test's overrides change, never the
 * developer's shell); a new adapter's own, undeclared variables from the raw environment, so
 * adding an adapter needs no edit here.
 */
import { declaresVariable, type Env } from './config.ts';

/** The raw environment (process.env, or a test's overrides). */
export type RawVars = Readonly<Record<string, string | undefined>>;

/** A variable's trimmed value; undefined when unset or blank. */
export type VariableReader = (name: string) => string | undefined;

export function createVariableReader(env: Env, vars: RawVars = process.env): VariableReader {
  return (name) => {
    const value = declaresVariable(name) ? (env as unknown as RawVars)[name] : vars[name];
    if (typeof value === 'number') return String(value);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
}
