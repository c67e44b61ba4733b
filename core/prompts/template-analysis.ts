/**
 * Static checks of a parsed template, run before anything is compiled: every name the template
 * reads must be declared (a variable of the version's schema, a loop variable, a `set`, a macro
 * or its argument, an import) or be one of the sandbox globals; property names that only serve
 * to walk prototypes are refused; filters and tests come from an allow-list; include, import and
 * extends name their template with a literal string (so they can be resolved, within the same
 * tenant, before rendering); regular-expression literals are refused (a runaway pattern could
 * block the process, and no time limit can interrupt one).
 *
 * This file walks the tree; the checks per node kind are in analyze-expressions.ts and
 * analyze-statements.ts, the shared state and checks in analysis-context.ts.
 */
import type { NunjucksNode } from './nunjucks-internals.ts';
import type { TemplateProblem } from './template-errors.ts';
import { children, createAnalysisContext, Scope, type AnalysisOptions, type AnalysisWalker, type NodeVisitor, type TemplateReferenceSite } from './analysis-context.ts';
import { EXPRESSION_VISITORS } from './analyze-expressions.ts';
import { STATEMENT_VISITORS } from './analyze-statements.ts';
import { describeExpression } from './describe-expression.ts';
import { TEMPLATE_GLOBALS } from './template-names.ts';

export type { AnalysisOptions, ReferenceKind, TemplateReferenceSite } from './analysis-context.ts';

export interface TemplateAnalysis {
  problems: TemplateProblem[];
  references: TemplateReferenceSite[];
  /** `line:column` (0-based, as the compiler reports them) of each `{{ }}` → the expression's text, for errors. */
  outputs: Map<string, string>;
}

const BINARY = new Set(['In', 'Or', 'And', 'Add', 'Concat', 'Sub', 'Mul', 'Div', 'FloorDiv', 'Mod', 'Pow']);
const UNARY = new Set(['Not', 'Neg', 'Pos']);
const LISTS = new Set(['Root', 'NodeList', 'Output', 'Group', 'Array']);
const UNSUPPORTED: Record<string, string> = {
  AsyncEach: 'asyncEach is not supported; use for',
  AsyncAll: 'asyncAll is not supported; use for',
  IfAsync: 'ifAsync is not supported; use if',
  FilterAsync: 'asynchronous filters are not supported',
  CallExtension: 'extensions are not supported',
  CallExtensionAsync: 'extensions are not supported',
};

const VISITORS: Record<string, NodeVisitor> = { ...EXPRESSION_VISITORS, ...STATEMENT_VISITORS };

export function analyzeTemplate(root: NunjucksNode, options: AnalysisOptions): TemplateAnalysis {
  const ctx = createAnalysisContext(options);
  const globalScope = new Scope();
  for (const name of [...options.declared, ...TEMPLATE_GLOBALS]) globalScope.bind(name);

  function walk(node: NunjucksNode | null | undefined, scope: Scope): void {
    if (!node) return;
    const type = node.typename;
    if (LISTS.has(type)) {
      if (type === 'Output') {
        const expression = children(node).find((c) => c.typename !== 'TemplateData');
        if (expression) ctx.outputs.set(`${node.lineno}:${node.colno}`, describeExpression(expression));
      }
      for (const child of children(node)) walk(child, scope);
      return;
    }
    if (BINARY.has(type)) {
      walk(node.left as NunjucksNode, scope);
      walk(node.right as NunjucksNode, scope);
      return;
    }
    if (UNARY.has(type)) {
      walk(node.target as NunjucksNode, scope);
      return;
    }
    if (UNSUPPORTED[type]) {
      ctx.problem(node, 'unsupported_tag', UNSUPPORTED[type]);
      return;
    }
    const visit = Object.hasOwn(VISITORS, type) ? VISITORS[type] : undefined;
    if (visit) visit(node, scope, walker);
    else ctx.problem(node, 'unsupported_tag', `"${type}" is not supported in templates`);
  }
  const walker: AnalysisWalker = { ctx, walk };

  walk(root, globalScope);
  return { problems: ctx.problems, references: ctx.references, outputs: ctx.outputs };
}
