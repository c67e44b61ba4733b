/**
 * The naming rules templates and variable schemas share with the sandbox: which names are
 * forbidden (they only walk prototypes, or belong to the engine), what an identifier is, and the
 * globals every template may call.
 */

/** Names that only ever serve to reach prototypes and constructors. */
const FORBIDDEN_NAMES = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

/** Names starting with `__` are the engine's own (e.g. the loop budget hook). */
export function isForbiddenName(name: string): boolean {
  return FORBIDDEN_NAMES.has(name) || name.startsWith('__');
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Functions every template may call; see sandbox-globals.ts. */
export const TEMPLATE_GLOBALS = ['range', 'cycler', 'joiner'] as const;
