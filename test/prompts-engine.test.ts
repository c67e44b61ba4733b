import { describe, expect, it } from 'vitest';
import { createTemplateEngine, type CompiledTemplate } from '../core/prompts/template-engine.ts';
import { TemplateInvalidError, TemplateRenderError, TemplateUnsafeError } from '../core/prompts/template-errors.ts';
import { compileVariablesValidator, parseVariablesSchema } from '../core/prompts/variables-schema.ts';

const engine = createTemplateEngine();
const declared = new Set(['name', 'items', 'user', 'docs', 'n']);

function render(source: string, variables: Record<string, unknown> = {}, includes?: Record<string, CompiledTemplate>): string {
  const template = engine.compile(source, 'test@1', declared);
  return engine.render(template, variables, includes ? (ref) => includes[ref] : undefined);
}

function failure(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('the template language', () => {
  it('renders variables, filters, conditionals, loops, macros, call blocks and set captures', () => {
    const source = [
      '{% macro item(doc, n) %}[{{ n }}] {{ doc.title | title }}{% endmacro %}',
      '{% set header %}Docs for {{ user.name | upper }}{% endset %}',
      '{{ header }}',
      '{% for doc in docs %}',
      '{{ item(doc, loop.index) }}{% if not loop.last %};{% endif %}',
      '{% endfor %}',
      '{% call item({"title": "from caller"}, 0) %}{% endcall %}',
      '{{ items | join(", ") }} {{ items | length }} {{ n | default(3) }} {{ {"a": [1, 2]} | tojson }}',
    ].join('\n');
    const out = render(source, { user: { name: 'ada' }, docs: [{ title: 'first doc' }, { title: 'second' }], items: ['x', 'y'] });
    // trimBlocks: a block tag at the end of a line takes its newline with it.
    expect(out).toBe('Docs for ADA\n[1] First Doc;[2] Second[0] From Callerx, y 2 3 {"a":[1,2]}');
  });

  it('makes undefined values an error, with the expression and its place', () => {
    const err = failure(() => render('Hi\n  {{ user.nickname }}', { user: { name: 'x' } }));
    expect(err).toBeInstanceOf(TemplateRenderError);
    expect(err).toMatchObject({ reason: 'undefined_value', line: 2, column: 3 });
    expect(err.message).toContain('user.nickname is undefined');
    expect(render('{{ user.nickname | default("friend") }}{% if n is defined %}!{% endif %}', { user: {} })).toBe('friend');
  });

  it('rejects undeclared variables, unknown filters and dynamic template names when compiling', () => {
    const err = failure(() => engine.compile('{{ nme }} {{ name | shout }} {% include name %} {{ x is oddish }}', 't', declared));
    expect(err).toBeInstanceOf(TemplateInvalidError);
    expect((err as TemplateInvalidError).problems.map((p) => p.code)).toEqual(['undeclared_variable', 'unknown_filter', 'dynamic_template_reference', 'undeclared_variable', 'unknown_test']);
    // Names bound by the template itself are fine, and scoped: a loop variable is gone after the loop.
    expect(() => engine.compile('{% set a = 1 %}{% for b in items %}{{ a ~ b ~ loop.index }}{% endfor %}', 't', declared)).not.toThrow();
    expect(failure(() => engine.compile('{% for b in items %}{% endfor %}{{ b }}', 't', declared))).toBeInstanceOf(TemplateInvalidError);
    expect(failure(() => engine.compile('{% macro m(a) %}{{ a }}{% endmacro %}{{ a }}', 't', declared))).toBeInstanceOf(TemplateInvalidError);
  });

  it('resolves includes and imports only through the resolver it is given', () => {
    const partial = engine.compile('{% macro shout(x) %}{{ x | upper }}!{% endmacro %}', 'partial@1', new Set());
    const footer = engine.compile('-- {{ name }}', 'footer@1', new Set(['name']));
    expect(render('{% import "partial" as p %}{{ p.shout(name) }} {% include "footer" %}', { name: 'ada' }, { partial, footer })).toBe('ADA! -- ada');
    for (const ref of ['footer', '/etc/passwd', '../other-tenant/footer']) {
      const err = failure(() => render(`{% include "${ref}" %}`, {}, {}));
      expect(err).toMatchObject({ reason: 'include_not_found' });
    }
  });
});

describe('the sandbox', () => {
  // Known Nunjucks template-injection payloads: each must be refused, and none may run.
  const PWN = 'return (globalThis.__sandboxEscaped = true, process)';
  const payloads = [
    `{{ range.constructor("${PWN}")() }}`,
    `{{ cycler.constructor("${PWN}")() }}`,
    `{{ joiner.constructor("${PWN}")() }}`,
    `{{ "".constructor.constructor("${PWN}")() }}`,
    `{{ [].constructor.constructor("${PWN}")() }}`,
    `{{ {}.constructor.constructor("${PWN}")() }}`,
    `{{ name.constructor.constructor("${PWN}")() }}`,
    `{{ name["constructor"]["constructor"]("${PWN}")() }}`,
    `{{ name["constr" ~ "uctor"]["constr" ~ "uctor"]("${PWN}")() }}`,
    `{% set c = "constr" + "uctor" %}{{ name[c][c]("${PWN}")() }}`,
    `{% set c = ["con", "structor"] | join("") %}{{ items[c][c]("${PWN}")() }}`,
    `{{ user["__proto__"]["constructor"]["constructor"]("${PWN}")() }}`,
    `{{ range.__proto__ }}`,
    `{{ range.apply(null, [1, 2]) }}`,
    `{% set j = joiner() %}{{ j.call(null) }}`,
    `{{ range.toString() }}`,
    `{{ range }}`,
    `{{ range ~ "" }}`,
    `{{ [range] | join }}`,
    `{{ items | sort(false, false, "constructor") }}`,
    `{{ items | groupby("__proto__") }}`,
    `{{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" | replace(r/(a+)+$/, "") }}`,
    `{% set __proto__ = 1 %}`,
    `{{ {"__proto__": {"x": 1}} }}`,
    `{{ constructor }}`,
    `{{ this }}`,
    `{{ process.env }}`,
    `{{ global.process }}`,
    `{{ lipsum.__globals__ }}`,
    `{% include name %}`,
    `{% asyncEach x in items %}{{ x }}{% endeach %}`,
  ];

  it.each(payloads)('refuses %s', (payload) => {
    const err = failure(() => render(payload, { name: 'x', items: [{ a: 1 }], user: {} }));
    expect([TemplateUnsafeError, TemplateInvalidError, TemplateRenderError].some((type) => err instanceof type), String(err)).toBe(true);
    expect((err as unknown as { code: string }).code).toMatch(/^template_(unsafe|invalid|render_failed)$/);
    expect(err.message.length).toBeGreaterThan(10);
    expect((globalThis as Record<string, unknown>).__sandboxEscaped).toBeUndefined();
  });

  it('says which payloads it refused for touching prototypes, statically or at render time', () => {
    expect(failure(() => render(payloads[0]!))).toBeInstanceOf(TemplateUnsafeError);
    const dynamic = failure(() => render(payloads[8]!, { name: 'x' }));
    expect(dynamic).toBeInstanceOf(TemplateUnsafeError);
    expect(dynamic.message).toContain('reading "constructor" is not allowed');
    const printed = failure(() => render('{{ range }}'));
    expect(printed.message).toContain('cannot be printed');
    // Quotes and newlines in literals stay text: they cannot close the compiled string and run.
    const breakout = '{{ "\\"); globalThis.__sandboxEscaped = true; (\\"" }}\n{{ \'\\u2028\\\'); globalThis.__sandboxEscaped = 1; //\' }}';
    expect(render(breakout)).toContain('globalThis.__sandboxEscaped = true');
    expect((globalThis as Record<string, unknown>).__sandboxEscaped).toBeUndefined();
  });

  it('bounds render time, steps, recursion, output and value sizes', () => {
    const small = createTemplateEngine({ timeoutMs: 50, maxOutputChars: 5_000, maxValueChars: 10_000 });
    // The size and recursion limits get a roomy clock: on a loaded machine a 50 ms budget can run
    // out before the limit under test is reached, and the test would blame the wrong guard.
    const roomy = createTemplateEngine({ timeoutMs: 10_000, maxOutputChars: 5_000, maxValueChars: 10_000 });
    const items = Array.from({ length: 300 }, (_, i) => i);
    const timed = (source: string) => failure(() => small.render(small.compile(source, 'limits@1', declared), { items }));
    const run = (source: string) => failure(() => roomy.render(roomy.compile(source, 'limits@1', declared), { items }));
    expect(timed('{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}')).toMatchObject({ reason: expect.stringMatching(/^(timeout|too_many_steps)$/) });
    expect(run('{% for i in range(0, 1000000000) %}x{% endfor %}')).toMatchObject({ reason: 'value_too_large' });
    expect(run('{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}')).toMatchObject({ reason: 'too_many_steps' });
    expect(run('{% for i in items %}{% for j in items %}0123456789{% endfor %}{% endfor %}')).toMatchObject({ reason: 'output_too_large' });
    expect(run('{% set s = "0123456789" %}{% for i in range(0, 40) %}{% set s = s ~ s %}{% endfor %}')).toMatchObject({ reason: 'value_too_large' });
    expect(run('{% set a = [items, items, items, items, items, items] %}{% set b = [a, a, a, a, a, a] %}{{ b | length }}')).toMatchObject({ reason: 'value_too_large' });
    expect(run('{{ "x" | indent(1000000000) }}')).toMatchObject({ reason: 'value_too_large' });
    expect(run('{{ "ab" | replace("", "0123456789012345678901234567890123456789") | length }}{% set x = items | join("-------") %}{{ x | replace("-", "0123456789") }}')).toMatchObject({
      reason: 'value_too_large',
    });
    const started = performance.now();
    timed('{% for a in items %}{% for b in items %}{% endfor %}{% endfor %}');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('variables schema', () => {
  it('validates every problem at once and fills defaults', () => {
    const validate = compileVariablesValidator(
      parseVariablesSchema({
        properties: {
          name: { type: 'string', minLength: 2 },
          tone: { enum: ['formal', 'casual'], default: 'formal' },
          n: { type: 'integer', maximum: 5 },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
          user: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        },
        required: ['name', 'n'],
      }),
    );
    expect(validate({ name: 'Ada', n: 3 })).toEqual({ name: 'Ada', n: 3, tone: 'formal' });
    const err = failure(() => validate({ name: 'A', n: 7.5, tone: 'rude', tags: ['a', 'b', 3], user: {}, extra: true }));
    expect((err as unknown as { problems: Array<{ path: string; code: string }> }).problems.map((p) => `${p.path}:${p.code}`).sort()).toEqual([
      'extra:unexpected',
      'n:too_large',
      'n:wrong_type',
      'name:too_short',
      'tags.2:wrong_type',
      'tags:too_many_items',
      'tone:not_allowed',
      'user.id:missing',
    ]);
  });

  it('accepts only the safe subset of JSON Schema, and checks defaults and required names', () => {
    const problems = (schema: unknown) => (failure(() => parseVariablesSchema(schema)) as unknown as { problems: Array<{ path: string; message: string }> }).problems;
    expect(problems({ properties: { a: { type: 'string', pattern: '(a+)+$' } } })[0]!.message).toContain('pattern');
    expect(problems({ properties: { a: { type: 'string', default: 5 } }, required: ['b'] }).map((p) => p.path)).toEqual(['required', 'properties.a.default']);
    expect(problems({ properties: { loop: { type: 'string' } } })[0]!.path).toBe('properties.loop');
    expect(problems({ additionalProperties: true })[0]!.path).toBe('additionalProperties');
  });
});
