/**
 * The filters and tests templates may use. Filters are Nunjucks' own minus `random` (renders stay
 * reproducible) and the HTML ones (`striptags` is quadratic on hostile input, and no budget can
 * interrupt a regular expression; `urlize`, `nl2br` have no use in prompts). Each is a step, with
 * its inputs and result size-checked, and the ones whose arguments size an allocation bounded.
 */
import { nj } from './nunjucks-internals.ts';
import { unsafe, type AnyFunction, type SandboxGuards } from './sandbox-guards.ts';
import { isForbiddenName } from './template-names.ts';
import { TemplateRenderError } from './template-errors.ts';

/** Numeric filter arguments that size an allocation (widths, batch and slice counts). */
const MAX_FILTER_COUNT = 10_000;

const FILTERS = [
  'abs', 'batch', 'capitalize', 'center', 'default', 'd', 'dictsort', 'dump', 'escape', 'e', 'first', 'float', 'forceescape',
  'groupby', 'indent', 'int', 'join', 'last', 'length', 'list', 'lower', 'reject', 'rejectattr', 'replace', 'reverse',
  'round', 'safe', 'select', 'selectattr', 'slice', 'sort', 'string', 'sum', 'title', 'trim', 'truncate', 'upper',
  'urlencode', 'wordcount',
];
/** Filters that read an attribute named by an argument, and the argument's position. */
const ATTRIBUTE_ARGUMENT: Record<string, number> = { sort: 3, groupby: 1, selectattr: 1, rejectattr: 1, sum: 1, join: 2 };
const COUNT_ARGUMENT: Record<string, number> = { batch: 1, center: 1, indent: 1, slice: 1 };

export interface SandboxFilters {
  filters: Record<string, AnyFunction>;
  tests: Record<string, AnyFunction>;
}

export function createSandboxFilters(guards: SandboxGuards): SandboxFilters {
  const { limits, budget, fail, tooLarge, guard, refuseFunctionText } = guards;

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

  return { filters, tests };
}
