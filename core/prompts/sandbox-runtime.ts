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
 *
 * This file assembles the pieces: sandbox-guards.ts (active render, value limits, call
 * allow-list), sandbox-scope.ts (name and member lookups), sandbox-globals.ts (range, cycler,
 * joiner and the hardening hooks), sandbox-operators.ts (calls, macros, `in`, output) and
 * sandbox-filters.ts; render-budget.ts holds the limits and the per-render account.
 */
import { nj } from './nunjucks-internals.ts';
import type { RenderBudget, RenderLimits } from './render-budget.ts';
import { createSandboxFilters } from './sandbox-filters.ts';
import { createSandboxGlobals } from './sandbox-globals.ts';
import { createSandboxGuards, type AnyFunction } from './sandbox-guards.ts';
import { createSandboxOperators } from './sandbox-operators.ts';
import { createScopeLookups } from './sandbox-scope.ts';
import { TemplateRenderError, TemplateUnsafeError } from './template-errors.ts';

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
  const guards = createSandboxGuards(limits);
  const { fail } = guards;
  const shared: Record<string, unknown> = {
    ...nj.runtime,
    ...createScopeLookups(guards, createSandboxGlobals(guards)),
    ...createSandboxOperators(guards),
  };
  const { filters, tests } = createSandboxFilters(guards);

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
    run: (next, fn) => guards.run(next, fn),
    active: () => guards.active(),
  };
}
