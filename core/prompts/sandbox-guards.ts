/**
 * The checks every other part of the sandbox runtime goes through: which render is active (its
 * budget), size limits on every value a template reads or makes, the refusal to turn a function
 * into text (String(fn) would print the sandbox's own source), and the allow-list of functions a
 * template may call (only those the sandbox made).
 */
import { nj } from './nunjucks-internals.ts';
import type { RenderBudget, RenderLimits } from './render-budget.ts';
import { TemplateRenderError, TemplateUnsafeError } from './template-errors.ts';

export type AnyFunction = (...args: unknown[]) => unknown;

export const SafeString = nj.runtime.SafeString;

export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function unsafe(message: string): TemplateUnsafeError {
  return new TemplateUnsafeError([{ code: 'forbidden_access', message }]);
}

export interface SandboxGuards {
  readonly limits: RenderLimits;
  /** The active render's budget; throws outside a render. */
  budget(): RenderBudget;
  active(): RenderBudget | undefined;
  /** Runs `fn` with `budget` as the active render. */
  run<T>(budget: RenderBudget, fn: () => T): T;
  /** Records `error` as the active render's failure (when there is one) and returns it. */
  fail<E extends Error>(error: E): E;
  tooLarge(what: string): TemplateRenderError;
  /** Approximate size of a value as text or JSON, stopping as soon as it passes `limit`. */
  sizeOf(value: unknown, limit: number): number;
  /** Every value a template reads or makes passes here. */
  guard<T>(value: T): T;
  refuseFunctionText(value: unknown, what: string): void;
  /** Marks `fn` as one a template may call. */
  allowCall<F extends AnyFunction>(fn: F): F;
  isCallable(fn: AnyFunction): boolean;
}

export function createSandboxGuards(limits: RenderLimits): SandboxGuards {
  const callable = new WeakSet<AnyFunction>();
  /** Serialized-size estimates; template values are never mutated, so a size stays true. */
  const sizes = new WeakMap<object, number>();
  let current: RenderBudget | undefined;

  const fail = <E extends Error>(error: E): E => (current ? current.fail(error) : error);
  const tooLarge = (what: string) => fail(new TemplateRenderError('value_too_large', `${what} is larger than the limit of ${limits.maxValueChars} characters`));

  function sizeOf(value: unknown, limit: number): number {
    if (typeof value === 'string') return value.length;
    if (value instanceof SafeString) return value.length;
    if (value === null || typeof value !== 'object') return 8;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    let total = 2;
    if (Array.isArray(value)) {
      for (const item of value) {
        total += sizeOf(item, limit) + 1;
        if (total > limit) return total;
      }
    } else {
      for (const key of Object.keys(value)) {
        total += key.length + 4 + sizeOf((value as Record<string, unknown>)[key], limit);
        if (total > limit) return total;
      }
    }
    sizes.set(value, total);
    return total;
  }

  /** Every value a template reads or makes passes here. */
  function guard<T>(value: T): T {
    if (typeof value === 'string') {
      if (value.length > limits.maxValueChars) throw tooLarge('a string');
    } else if (typeof value === 'object' && value !== null) {
      if (Array.isArray(value) && value.length > limits.maxListLength) {
        throw fail(new TemplateRenderError('value_too_large', `a list has more than ${limits.maxListLength} items`));
      }
      if (sizeOf(value, limits.maxValueChars) > limits.maxValueChars) throw tooLarge('a value');
    }
    return value;
  }

  /**
   * Functions must never become text: String(fn) would print the sandbox's own source. Lists are
   * checked deeply (their text joins their items); an object's text is only "[object Object]".
   */
  function refuseFunctionText(value: unknown, what: string): void {
    if (typeof value === 'function' || (Array.isArray(value) && !printable(value))) {
      throw fail(unsafe(`${what}: macros and functions cannot be printed, joined or passed to filters`));
    }
  }
  const printableLists = new WeakMap<unknown[], boolean>();
  function printable(list: unknown[]): boolean {
    let known = printableLists.get(list);
    if (known === undefined) {
      known = list.every((item) => typeof item !== 'function' && (!Array.isArray(item) || printable(item)));
      printableLists.set(list, known);
    }
    return known;
  }

  return {
    limits,
    budget() {
      if (!current) throw new Error('no render is active');
      return current;
    },
    active: () => current,
    run(next, fn) {
      const previous = current;
      current = next;
      try {
        return fn();
      } finally {
        current = previous;
      }
    },
    fail,
    tooLarge,
    sizeOf,
    guard,
    refuseFunctionText,
    allowCall(fn) {
      callable.add(fn);
      return fn;
    },
    isCallable: (fn) => callable.has(fn),
  };
}
