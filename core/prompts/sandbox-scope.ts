/**
 * How a template reads names: variables, loop values and `set`s are read as own properties only,
 * from plain objects, arrays and strings; prototype-walking names are refused; functions have no
 * readable fields. Nunjucks' own lookups walk prototypes (`constructor` is found on every
 * object), which is how template injection climbs to `Function` and `process`.
 */
import { isForbiddenName } from './template-names.ts';
import { isPlainObject, SafeString, unsafe, type AnyFunction, type SandboxGuards } from './sandbox-guards.ts';

const INDEX = /^(0|[1-9][0-9]*)$/;

interface NunjucksContext {
  ctx: Record<string, unknown>;
}
interface NunjucksFrame {
  lookup(name: string): unknown;
}

export interface ScopeLookups {
  memberLookup(target: unknown, key: unknown): unknown;
  contextOrFrameLookup(context: NunjucksContext, frame: NunjucksFrame, name: string): unknown;
}

export function createScopeLookups(guards: SandboxGuards, globals: Record<string, unknown>): ScopeLookups {
  const { fail, guard } = guards;

  function memberLookup(target: unknown, key: unknown): unknown {
    if (target === undefined || target === null) return undefined;
    if (typeof key !== 'string' && typeof key !== 'number') throw fail(unsafe('property names must be strings or numbers'));
    const name = String(key);
    if (isForbiddenName(name)) throw fail(unsafe(`reading "${name}" is not allowed`));
    if (typeof target === 'function') throw fail(unsafe(`functions have no properties a template may read (tried "${name}")`));
    if (typeof target === 'string' || target instanceof SafeString) {
      const text = String(target);
      if (name === 'length') return text.length;
      return INDEX.test(name) ? text[Number(name)] : undefined;
    }
    if (Array.isArray(target)) {
      if (name === 'length') return target.length;
      return INDEX.test(name) ? guard(target[Number(name)]) : undefined;
    }
    if (typeof target === 'object' && isPlainObject(target)) {
      if (!Object.hasOwn(target, name)) return undefined;
      const value = (target as Record<string, unknown>)[name];
      if (typeof value === 'function' && !guards.isCallable(value as AnyFunction)) throw fail(unsafe(`"${name}" is a function the template may not use`));
      return guard(value);
    }
    return undefined;
  }

  function contextOrFrameLookup(context: NunjucksContext, frame: NunjucksFrame, name: string): unknown {
    const local = frame.lookup(name);
    if (local !== undefined) return guard(local);
    if (Object.hasOwn(context.ctx, name)) return guard(context.ctx[name]);
    return globals[name];
  }

  return { memberLookup, contextOrFrameLookup };
}
