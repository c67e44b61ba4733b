/**
 * The names every template can call without defining them: range(), cycler() and joiner()
 * (Jinja's), and the engine hooks the hardening pass (template-hardening.ts) inserts for steps,
 * concatenation, `+` and list literals, so a value cannot grow past the limits unchecked.
 */
import type { SandboxGuards, AnyFunction } from './sandbox-guards.ts';
import { TemplateRenderError } from './template-errors.ts';

export function createSandboxGlobals(guards: SandboxGuards): Record<string, unknown> {
  const { limits, fail, tooLarge, guard, sizeOf, refuseFunctionText, allowCall } = guards;

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

  return Object.assign(Object.create(null) as object, {
    range: allowCall(range as AnyFunction),
    cycler: allowCall(cycler as AnyFunction),
    joiner: allowCall(joiner as AnyFunction),
    // Engine hooks the hardening pass (template-hardening.ts) inserts; unreachable by name from templates.
    __step: allowCall(() => ''),
    __concat: allowCall(concat as AnyFunction),
    __add: allowCall(((left: unknown, right: unknown) => (typeof left === 'number' && typeof right === 'number' ? left + right : concat(left, right))) as AnyFunction),
    __list: allowCall(((...items: unknown[]) => guard(items)) as AnyFunction),
  });
}
