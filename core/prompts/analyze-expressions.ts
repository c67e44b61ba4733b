/**
 * The static checks for expression nodes: names must be declared, property and key names must
 * not walk prototypes, filters and tests come from the allow-list, and regular-expression
 * literals are refused (a runaway pattern could block the process, and no time limit can
 * interrupt one).
 */
import type { NunjucksNode } from './nunjucks-internals.ts';
import { children, type AnalysisWalker, type NodeVisitor, type Scope } from './analysis-context.ts';

/** Positional and keyword arguments of a call, filter or test. */
export function walkCallArgs(args: NunjucksNode, scope: Scope, { ctx, walk }: AnalysisWalker): void {
  for (const arg of children(args)) {
    if (arg.typename === 'KeywordArgs') {
      for (const pair of children(arg)) {
        const key = pair.key as NunjucksNode;
        ctx.checkName(key, String(key.value), 'the keyword argument');
        walk(pair.value as NunjucksNode, scope);
      }
    } else {
      walk(arg, scope);
    }
  }
}

export const EXPRESSION_VISITORS: Record<string, NodeVisitor> = {
  TemplateData: () => undefined,
  Literal(node, _scope, { ctx }) {
    if (node.value instanceof RegExp) ctx.problem(node, 'regex_not_allowed', 'regular-expression literals are not allowed in templates');
  },
  Symbol(node, scope, { ctx }) {
    ctx.reference(node, scope);
  },
  Dict(node, scope, { ctx, walk }) {
    for (const pair of children(node)) {
      const key = pair.key as NunjucksNode;
      if (key.typename === 'Symbol' || (key.typename === 'Literal' && typeof key.value === 'string')) ctx.checkName(key, String(key.value), 'the key');
      else walk(key, scope);
      walk(pair.value as NunjucksNode, scope);
    }
  },
  LookupVal(node, scope, { ctx, walk }) {
    walk(node.target as NunjucksNode, scope);
    const key = node.val as NunjucksNode;
    if (key.typename === 'Literal' && typeof key.value === 'string') ctx.checkName(key, key.value, 'the property');
    else walk(key, scope);
  },
  FunCall(node, scope, walker) {
    walker.walk(node.name as NunjucksNode, scope);
    walkCallArgs(node.args as NunjucksNode, scope, walker);
  },
  Filter(node, scope, walker) {
    const name = String((node.name as NunjucksNode).value);
    if (!walker.ctx.options.filters.has(name)) walker.ctx.problem(node, 'unknown_filter', `there is no filter "${name}"`);
    walkCallArgs(node.args as NunjucksNode, scope, walker);
  },
  Is(node, scope, walker) {
    walker.walk(node.left as NunjucksNode, scope);
    const test = node.right as NunjucksNode;
    const nameNode = test.typename === 'FunCall' ? (test.name as NunjucksNode) : test;
    const name = String(nameNode.value);
    if (!walker.ctx.options.tests.has(name)) walker.ctx.problem(test, 'unknown_test', `there is no test "${name}"`);
    if (test.typename === 'FunCall') walkCallArgs(test.args as NunjucksNode, scope, walker);
  },
  InlineIf(node, scope, { walk }) {
    walk(node.cond as NunjucksNode, scope);
    walk(node.body as NunjucksNode, scope);
    walk(node.else_ as NunjucksNode, scope);
  },
  Compare(node, scope, { walk }) {
    walk(node.expr as NunjucksNode, scope);
    for (const op of (node.ops as NunjucksNode[] | undefined) ?? []) walk(op.expr as NunjucksNode, scope);
  },
  KeywordArgs(node, scope, walker) {
    walkCallArgs(node, scope, walker);
  },
};
