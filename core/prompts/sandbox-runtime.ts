/**
 * The runtime compiled templates run against. Nunjucks' own runtime resolves names through
 * prototypes (`constructor` is found on every object) and calls any function it reaches, which
 * is how template injection climbs to `Function` and `process`. This one replaces the lookups and
 * the call gate:
 *
 * - variables, loop values and `set`s are read as own properties only, from plain objects,
 *   arrays and strings; prototype-walking names are refused; functions have no readable fields;
 * - only functions the sandbox made can be called: macros, `caller()`, and the globals here;
 * - every loop iteration, call and filter application is a step: a render has a step budget and
 *   a deadline, and every value and the output have size limits, checked before a value can be
 *   made larger (string concatenation, array literals and filters go through guarded functions).
 *
 * A failure is remembered on the active render so the engine can report it as thrown, with its
 * type and code, rather than as the string Nunjucks would wrap it into.
 */
import { nj } from './nunjucks-internals.ts';
import { isForbiddenName } from './template-analysis.ts';
import { TemplateRenderError, TemplateUnsafeError } from './template-errors.ts';

export interface RenderLimits {
  /** Wall-clock time one render may take. */
  timeoutMs: number;
  /** Loop iterations + calls + filter applications in one render. */
  maxSteps: number;
  maxOutputChars: number;
  /** Largest string (or serialized size of a list or object) a template may hold or make. */
  maxValueChars: number;
  /** Longest list a template may make (range(), filters). */
  maxListLength: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  timeoutMs: 100,
  maxSteps: 100_000,
  maxOutputChars: 1_000_000,
  maxValueChars: 1_000_000,
  maxListLength: 10_000,
};

/** Numeric filter arguments that size an allocation (widths, batch and slice counts). */
const MAX_FILTER_COUNT = 10_000;
/** Macro calls nested deeper than this fail (recursion that never ends, usually). */
const MAX_MACRO_DEPTH = 64;

const SafeString = nj.runtime.SafeString;
const baseRuntime = nj.runtime;
const INDEX = /^(0|[1-9][0-9]*)$/;

type AnyFunction = (...args: unknown[]) => unknown;

/** The mutable state of one render. */
export class RenderBudget {
  steps = 0;
  /** Macro calls in progress, so runaway recursion fails clearly before the stack does. */
  depth = 0;
  /** Characters produced so far (captured text counts too: a safe over-estimate). */
  produced = 0;
  failure: Error | undefined;
  private readonly deadline: number;
  constructor(readonly limits: RenderLimits) {
    this.deadline = performance.now() + limits.timeoutMs;
  }

  step(): void {
    this.steps++;
    if (this.steps > this.limits.maxSteps) {
      throw this.fail(new TemplateRenderError('too_many_steps', `the render took more than ${this.limits.maxSteps} steps (loop iterations, calls and filters)`));
    }
    if ((this.steps & 63) === 0 && performance.now() > this.deadline) {
      throw this.fail(new TemplateRenderError('timeout', `the render took longer than ${this.limits.timeoutMs} ms`));
    }
  }

  emit(length: number): void {
    this.produced += length;
    if (this.produced > this.limits.maxOutputChars) {
      throw this.fail(new TemplateRenderError('output_too_large', `the render produced more than ${this.limits.maxOutputChars} characters`));
    }
  }

  /** Records the first failure of the render and returns it, for `throw budget.fail(...)`. */
  fail<E extends Error>(error: E): E {
    this.failure ??= error;
    return error;
  }
}

interface NunjucksContext {
  ctx: Record<string, unknown>;
}
interface NunjucksFrame {
  lookup(name: string): unknown;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function unsafe(message: string): TemplateUnsafeError {
  return new TemplateUnsafeError([{ code: 'forbidden_access', message }]);
}

/** Per-template hooks: where a template's `{{ }}` are (for undefined-value errors) and its name. */
export interface TemplateSite {
  name: string;
  outputs: ReadonlyMap<string, string>;
}

export interface Sandbox {
  limits: RenderLimits;
  filters: Record<string, AnyFunction>;
  tests: Record<string, AnyFunction>;
  /** The runtime object handed to one compiled template's functions. */
  runtimeFor(site: TemplateSite): Record<string, unknown>;
  /** Runs `fn` with `budget` as the active render. */
  run<T>(budget: RenderBudget, fn: () => T): T;
  /** The active render's budget (includes are resolved inside one). */
  active(): RenderBudget | undefined;
}

export function createSandbox(limits: RenderLimits): Sandbox {
  const callable = new WeakSet<AnyFunction>();
  /** Serialized-size estimates; template values are never mutated, so a size stays true. */
  const sizes = new WeakMap<object, number>();
  let current: RenderBudget | undefined;

  const budget = (): RenderBudget => {
    if (!current) throw new Error('no render is active');
    return current;
  };
  const fail = <E extends Error>(error: E): E => (current ? current.fail(error) : error);
  const tooLarge = (what: string) => fail(new TemplateRenderError('value_too_large', `${what} is larger than the limit of ${limits.maxValueChars} characters`));

  /** Approximate size of a value as text or JSON, stopping as soon as it passes the limit. */
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

  function allowCall<F extends AnyFunction>(fn: F): F {
    callable.add(fn);
    return fn;
  }

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
      if (typeof value === 'function' && !callable.has(value as AnyFunction)) throw fail(unsafe(`"${name}" is a function the template may not use`));
      return guard(value);
    }
    return undefined;
  }

  function range(start: unknown, stop?: unknown, step?: unknown): number[] {
    let from = Number(start);
    let to = Number(stop);
    const by = step === undefined ? 1 : Number(step);
    if (stop === undefined) {
      to = from;
      from = 0;
    }
    if (![from, to, by].every(Number.isFinite) || by === 0) throw fail(new TemplateRenderError('error', 'range() needs finite numbers and a step other than 0'));
    const count = Math.max(0, Math.ceil((to - from) / by));
    if (count > limits.maxListLength) throw fail(new TemplateRenderError('value_too_large', `range() would make ${count} items; the limit is ${limits.maxListLength}`));
    return Array.from({ length: count }, (_, i) => from + i * by);
  }

  function cycler(...items: unknown[]): Record<string, unknown> {
    let index = -1;
    const state: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    state.current = null;
    state.next = allowCall(() => {
      index = (index + 1) % Math.max(1, items.length);
      state.current = items[index];
      return state.current;
    });
    state.reset = allowCall(() => {
      index = -1;
      state.current = null;
      return '';
    });
    return state;
  }

  function joiner(separator: unknown = ','): AnyFunction {
    let first = true;
    return allowCall(() => {
      const out = first ? '' : String(separator);
      first = false;
      return out;
    });
  }

  function concat(left: unknown, right: unknown): string {
    refuseFunctionText(left, 'concatenation');
    refuseFunctionText(right, 'concatenation');
    const length = sizeOf(left, limits.maxValueChars) + sizeOf(right, limits.maxValueChars);
    if (length > limits.maxValueChars) throw tooLarge('a concatenated string');
    return `${String(left)}${String(right)}`;
  }

  const globals: Record<string, unknown> = Object.assign(Object.create(null) as object, {
    range: allowCall(range as AnyFunction),
    cycler: allowCall(cycler as AnyFunction),
    joiner: allowCall(joiner as AnyFunction),
    // Engine hooks the hardening pass (template-hardening.ts) inserts; unreachable by name from templates.
    __step: allowCall(() => ''),
    __concat: allowCall(concat as AnyFunction),
    __add: allowCall(((left: unknown, right: unknown) => (typeof left === 'number' && typeof right === 'number' ? left + right : concat(left, right))) as AnyFunction),
    __list: allowCall(((...items: unknown[]) => guard(items)) as AnyFunction),
  });

  function contextOrFrameLookup(context: NunjucksContext, frame: NunjucksFrame, name: string): unknown {
    const local = frame.lookup(name);
    if (local !== undefined) return guard(local);
    if (Object.hasOwn(context.ctx, name)) return guard(context.ctx[name]);
    return globals[name];
  }

  function callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
    budget().step();
    if (fn === undefined || fn === null) {
      throw fail(new TemplateRenderError('error', `cannot call ${name}: it is not defined (templates call macros; for text use filters such as | upper)`));
    }
    if (typeof fn !== 'function') throw fail(new TemplateRenderError('error', `cannot call ${name}: it is not a macro`));
    if (!callable.has(fn as AnyFunction)) throw fail(unsafe(`calling ${name} is not allowed: templates may call macros, caller() and range/cycler/joiner only`));
    return (fn as AnyFunction).apply(context, args);
  }

  function makeMacro(argNames: string[], kwargNames: string[], body: AnyFunction): AnyFunction {
    return allowCall(
      baseRuntime.makeMacro(argNames, kwargNames, function nestedMacro(this: unknown, ...args: unknown[]) {
        const render = budget();
        if (++render.depth > MAX_MACRO_DEPTH) {
          throw fail(new TemplateRenderError('too_many_steps', `macro calls are nested more than ${MAX_MACRO_DEPTH} deep (a macro that calls itself without end?)`));
        }
        try {
          return body.apply(this, args);
        } finally {
          render.depth = Math.max(0, render.depth - 1);
        }
      }),
    );
  }

  function inOperator(key: unknown, container: unknown): boolean {
    if (Array.isArray(container) || typeof container === 'string') return container.indexOf(key as never) !== -1;
    if (container instanceof SafeString) return String(container).indexOf(String(key)) !== -1;
    if (typeof container === 'object' && container !== null) return Object.hasOwn(container, String(key));
    throw fail(new TemplateRenderError('error', `"in" needs a list, a string or an object on its right`));
  }

  function suppressValue(value: unknown): unknown {
    if (value === undefined || value === null) return '';
    refuseFunctionText(value, 'output');
    guard(value);
    budget().emit(typeof value === 'string' ? value.length : String(value).length);
    return value;
  }

  const shared: Record<string, unknown> = {
    ...baseRuntime,
    memberLookup,
    contextOrFrameLookup,
    callWrap,
    makeMacro,
    inOperator,
    suppressValue,
  };

  // Filters: Nunjucks' own minus `random` (renders stay reproducible) and the HTML ones
  // (`striptags` is quadratic on hostile input, and no budget can interrupt a regular expression;
  // `urlize`, `nl2br` have no use in prompts). Each is a step, with its inputs and result
  // size-checked, and the ones whose arguments size an allocation bounded.
  const FILTERS = [
    'abs', 'batch', 'capitalize', 'center', 'default', 'd', 'dictsort', 'dump', 'escape', 'e', 'first', 'float', 'forceescape',
    'groupby', 'indent', 'int', 'join', 'last', 'length', 'list', 'lower', 'reject', 'rejectattr', 'replace', 'reverse',
    'round', 'safe', 'select', 'selectattr', 'slice', 'sort', 'string', 'sum', 'title', 'trim', 'truncate', 'upper',
    'urlencode', 'wordcount',
  ];
  /** Filters that read an attribute named by an argument, and the argument's position. */
  const ATTRIBUTE_ARGUMENT: Record<string, number> = { sort: 3, groupby: 1, selectattr: 1, rejectattr: 1, sum: 1, join: 2 };
  const COUNT_ARGUMENT: Record<string, number> = { batch: 1, center: 1, indent: 1, slice: 1 };

  function wrapFilter(name: string, filter: AnyFunction): AnyFunction {
    return function sandboxedFilter(this: unknown, ...args: unknown[]) {
      budget().step();
      for (const arg of args) {
        refuseFunctionText(arg, `the ${name} filter`);
        guard(arg);
      }
      const attribute = ATTRIBUTE_ARGUMENT[name];
      if (attribute !== undefined && typeof args[attribute] === 'string' && String(args[attribute]).split('.').some(isForbiddenName)) {
        throw fail(unsafe(`the ${name} filter may not read "${String(args[attribute])}"`));
      }
      const count = COUNT_ARGUMENT[name];
      if (count !== undefined && args[count] !== undefined && !(Math.abs(Number(args[count])) <= MAX_FILTER_COUNT)) {
        throw fail(new TemplateRenderError('value_too_large', `the ${name} filter's argument must be a number up to ${MAX_FILTER_COUNT}`));
      }
      if (name === 'replace') {
        const estimate = String(args[0]).length + (String(args[0]).length + 1) * String(args[2] ?? '').length;
        if (estimate > limits.maxValueChars) throw tooLarge('the replace filter result');
      }
      return guard(filter.apply(this, args));
    };
  }

  const filters: Record<string, AnyFunction> = Object.create(null) as Record<string, AnyFunction>;
  for (const name of FILTERS) {
    const filter = nj.filters[name];
    if (!filter) throw new Error(`nunjucks has no filter "${name}"`);
    filters[name] = wrapFilter(name, filter);
  }
  // Jinja's name for the JSON filter, common in prompts.
  filters.tojson = filters.dump!;

  const tests: Record<string, AnyFunction> = Object.assign(Object.create(null) as object, nj.tests);

  return {
    limits,
    filters,
    tests,
    runtimeFor(site) {
      return {
        ...shared,
        ensureDefined(value: unknown, lineno: number, colno: number) {
          if (value !== undefined && value !== null) return value;
          const expression = site.outputs.get(`${lineno}:${colno}`) ?? 'a value';
          throw fail(
            new TemplateRenderError('undefined_value', `${expression} is undefined: pass it in the variables, give it a default in the schema, or guard it with "is defined" or the default filter`, {
              line: lineno + 1,
              column: colno + 1,
              template: site.name,
            }),
          );
        },
        handleError(error: unknown, lineno: number, colno: number) {
          let failure: Error;
          if (error instanceof TemplateRenderError || error instanceof TemplateUnsafeError) failure = error;
          else failure = new TemplateRenderError('error', error instanceof Error ? error.message : String(error));
          if (failure instanceof TemplateRenderError && failure.line === undefined) {
            failure.line = lineno + 1;
            failure.column = colno + 1;
          }
          if (failure instanceof TemplateRenderError) failure.template ??= site.name;
          if (failure instanceof TemplateUnsafeError) {
            const first = failure.problems[0];
            if (first && first.line === undefined) Object.assign(first, { line: lineno + 1, column: colno + 1, template: site.name });
          }
          return fail(failure);
        },
      };
    },
    run(next, fn) {
      const previous = current;
      current = next;
      try {
        return fn();
      } finally {
        current = previous;
      }
    },
    active: () => current,
  };
}
