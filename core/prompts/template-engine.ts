/**
 * The sandboxed Nunjucks engine: compiles one template source (checked, hardened, compiled once)
 * and renders it synchronously within a budget. Includes, imports and extends are resolved by
 * the caller before the render (same tenant, see prompt-renderer.ts) and handed in as compiled
 * templates, so the engine never touches a file system, a network or a database.
 */
import { analyzeTemplate, type TemplateReferenceSite } from './template-analysis.ts';
import { TemplateInvalidError, TemplateRenderError, TemplateUnsafeError, type TemplateProblem } from './template-errors.ts';
import { hardenTemplate } from './template-hardening.ts';
import { nj, nunjucks } from './nunjucks-internals.ts';
import { DEFAULT_RENDER_LIMITS, RenderBudget, type RenderLimits } from './render-budget.ts';
import { createSandbox } from './sandbox-runtime.ts';

export type { RenderBudget, RenderLimits };

/** Whitespace control that suits prompts: a block tag on its own line leaves no blank line. */
const LEXER_OPTIONS = { trimBlocks: true, lstripBlocks: true };

/** One compiled template source. */
export interface CompiledTemplate {
  /** For error messages, e.g. `summarize@3` or `support-reply@2 (message 1)`. */
  name: string;
  references: TemplateReferenceSite[];
  /** @internal the compiled functions, handed to Nunjucks when another template includes this one. */
  readonly code: Record<string, unknown>;
  /** @internal */
  readonly template: { render(context: object): string };
}

/** Finds the compiled template an include/import/extends names; undefined when there is none. */
export type IncludeResolver = (ref: string) => CompiledTemplate | undefined;

export interface TemplateEngine {
  limits: RenderLimits;
  /** The filters and tests templates may use (for docs and the static check). */
  filterNames: string[];
  testNames: string[];
  /**
   * Parses, checks and compiles `source`. `declared` are the variables of the version's schema;
   * any other free name is an error. Throws TemplateInvalidError or TemplateUnsafeError with every
   * problem found.
   */
  compile(source: string, name: string, declared: ReadonlySet<string>): CompiledTemplate;
  /**
   * Renders within the limits; throws TemplateRenderError or TemplateUnsafeError. Pass one
   * `budget` (from newBudget) to several renders to make them share one step and time budget.
   */
  render(template: CompiledTemplate, variables: Record<string, unknown>, includes?: IncludeResolver, budget?: RenderBudget): string;
  newBudget(): RenderBudget;
}

interface ActiveIncludes {
  resolve: IncludeResolver;
}

export function createTemplateEngine(overrides: Partial<RenderLimits> = {}): TemplateEngine {
  const limits: RenderLimits = { ...DEFAULT_RENDER_LIMITS, ...overrides };
  const sandbox = createSandbox(limits);
  let includes: ActiveIncludes | undefined;

  const loader = {
    getSource(ref: string) {
      const found = includes?.resolve(ref);
      if (!found) {
        const error = new TemplateRenderError('include_not_found', `the template "${ref}" (included, imported or extended) was not found`);
        throw sandbox.active()?.fail(error) ?? error;
      }
      // noCache: the same name can mean another version on the next render (labels move).
      return { src: { type: 'code', obj: found.code }, path: found.name, noCache: true };
    },
  };
  const env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, { autoescape: false, throwOnUndefined: true, ...LEXER_OPTIONS });
  // Only the sandbox's filters and tests exist; lookups on these maps cannot reach prototypes.
  const internals = env as unknown as { filters: object; tests: object; globals: object };
  internals.filters = sandbox.filters;
  internals.tests = sandbox.tests;
  internals.globals = Object.create(null) as object;
  const filterNames = Object.keys(sandbox.filters).sort();
  const testNames = Object.keys(sandbox.tests).sort();

  function compile(source: string, name: string, declared: ReadonlySet<string>): CompiledTemplate {
    let ast;
    try {
      ast = nj.parse(source, [], LEXER_OPTIONS);
    } catch (err) {
      const e = err as Error & { lineno?: number; colno?: number };
      const problem: TemplateProblem = { code: 'syntax_error', message: e.message };
      if (e.lineno) problem.line = e.lineno;
      if (e.colno) problem.column = e.colno;
      throw new TemplateInvalidError([problem]);
    }
    const analysis = analyzeTemplate(ast, { declared, filters: new Set(filterNames), tests: new Set(testNames) });
    if (analysis.problems.length > 0) {
      const unsafe = analysis.problems.filter((p) => p.code === 'forbidden_name' || p.code === 'regex_not_allowed');
      if (unsafe.length > 0) throw new TemplateUnsafeError([...unsafe, ...analysis.problems.filter((p) => !unsafe.includes(p))]);
      throw new TemplateInvalidError(analysis.problems);
    }
    const compiler = new nj.Compiler(name, true);
    try {
      compiler.compile(nj.transform(hardenTemplate(ast), [], name));
    } catch (err) {
      throw new TemplateInvalidError([{ code: 'syntax_error', message: err instanceof Error ? err.message : String(err) }]);
    }
    // The generated code only ever sees the runtime it is handed, and we hand it the sandbox's.
    const generated = new Function(compiler.getCode())() as Record<string, (...args: unknown[]) => void>;
    const runtime = sandbox.runtimeFor({ name, outputs: analysis.outputs });
    const code: Record<string, unknown> = {};
    for (const [key, fn] of Object.entries(generated)) {
      code[key] = (env_: unknown, context: unknown, frame: unknown, _runtime: unknown, cb: unknown) => fn(env_, context, frame, runtime, cb);
    }
    const template = new nunjucks.Template({ type: 'code', obj: code } as unknown as string, env, name);
    return { name, references: analysis.references, code, template };
  }

  function render(template: CompiledTemplate, variables: Record<string, unknown>, resolve?: IncludeResolver, budget = new RenderBudget(limits)): string {
    const previous = includes;
    includes = { resolve: resolve ?? (() => undefined) };
    try {
      return sandbox.run(budget, () => {
        let output: string;
        try {
          output = template.template.render(variables);
        } catch (err) {
          throw budget.failure ?? new TemplateRenderError('error', err instanceof Error ? err.message : String(err), { template: template.name });
        }
        if (output.length > limits.maxOutputChars) {
          throw new TemplateRenderError('output_too_large', `the output has ${output.length} characters; the limit is ${limits.maxOutputChars}`, { template: template.name });
        }
        return output;
      });
    } finally {
      includes = previous;
    }
  }

  return { limits, filterNames, testNames, compile, render, newBudget: () => new RenderBudget(limits) };
}
