/**
 * The runtime functions compiled templates call for calls, macros, `in` and output: the call gate
 * (only functions the sandbox made may be called; every call is a step), the macro depth limit,
 * an `in` that reads own properties only, and the output check (no function as text, size and
 * output budget).
 */
import { nj } from './nunjucks-internals.ts';
import { SafeString, unsafe, type AnyFunction, type SandboxGuards } from './sandbox-guards.ts';
import { TemplateRenderError } from './template-errors.ts';

/** Macro calls nested deeper than this fail (recursion that never ends, usually). */
const MAX_MACRO_DEPTH = 64;

const baseRuntime = nj.runtime;

export interface SandboxOperators {
  callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown;
  makeMacro(argNames: string[], kwargNames: string[], body: AnyFunction): AnyFunction;
  inOperator(key: unknown, container: unknown): boolean;
  suppressValue(value: unknown): unknown;
}

export function createSandboxOperators(guards: SandboxGuards): SandboxOperators {
  const { budget, fail, guard, refuseFunctionText, allowCall } = guards;

  function callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
    budget().step();
    if (fn === undefined || fn === null) {
      throw fail(new TemplateRenderError('error', `cannot call ${name}: it is not defined (templates call macros; for text use filters such as | upper)`));
    }
    if (typeof fn !== 'function') throw fail(new TemplateRenderError('error', `cannot call ${name}: it is not a macro`));
    if (!guards.isCallable(fn as AnyFunction)) throw fail(unsafe(`calling ${name} is not allowed: templates may call macros, caller() and range/cycler/joiner only`));
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

  return { callWrap, makeMacro, inOperator, suppressValue };
}
