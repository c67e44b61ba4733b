/**
 * The static checks for statement nodes: the scopes that loops, `set`s, macros, blocks and
 * imports open or bind into, and include, import and extends naming their template with a
 * literal string (so they can be resolved, within the same tenant, before rendering).
 */
import type { NunjucksNode } from './nunjucks-internals.ts';
import { children, Scope, type AnalysisWalker, type NodeVisitor } from './analysis-context.ts';
import { EXPRESSION_VISITORS } from './analyze-expressions.ts';

/** Macro and caller bodies: arguments (and `caller`) are visible inside only. */
function walkMacro(node: NunjucksNode, scope: Scope, { ctx, walk }: AnalysisWalker): void {
  const inner = new Scope(scope);
  inner.bind('caller');
  for (const arg of children(node.args as NunjucksNode)) {
    if (arg.typename === 'KeywordArgs') {
      for (const pair of children(arg)) {
        walk(pair.value as NunjucksNode, scope);
        ctx.bind(pair.key as NunjucksNode, inner, 'the macro argument');
      }
    } else {
      ctx.bind(arg, inner, 'the macro argument');
    }
  }
  walk(node.body as NunjucksNode, inner);
}

export const STATEMENT_VISITORS: Record<string, NodeVisitor> = {
  If: EXPRESSION_VISITORS.InlineIf!,
  Switch(node, scope, { walk }) {
    walk(node.expr as NunjucksNode, scope);
    for (const c of (node.cases as NunjucksNode[] | undefined) ?? []) {
      walk(c.cond as NunjucksNode, scope);
      walk(c.body as NunjucksNode, scope);
    }
    walk(node.default as NunjucksNode, scope);
  },
  For(node, scope, { ctx, walk }) {
    walk(node.arr as NunjucksNode, scope);
    const inner = new Scope(scope);
    inner.bind('loop');
    const target = node.name as NunjucksNode;
    for (const name of target.typename === 'Array' ? children(target) : [target]) ctx.bind(name, inner, 'the loop variable');
    walk(node.body as NunjucksNode, inner);
    walk(node.else_ as NunjucksNode, scope);
  },
  Set(node, scope, { ctx, walk }) {
    walk(node.value as NunjucksNode, scope);
    walk(node.body as NunjucksNode, scope);
    for (const target of (node.targets as NunjucksNode[] | undefined) ?? []) ctx.bind(target, scope, 'the variable');
  },
  Capture(node, scope, { walk }) {
    walk(node.body as NunjucksNode, scope);
  },
  Macro(node, scope, walker) {
    // Bound before the body so a macro may call itself (the step budget bounds recursion).
    walker.ctx.bind(node.name as NunjucksNode, scope, 'the macro');
    walkMacro(node, scope, walker);
  },
  Caller: walkMacro,
  Block(node, scope, { ctx, walk }) {
    ctx.checkName(node.name as NunjucksNode, String((node.name as NunjucksNode).value), 'the block');
    walk(node.body as NunjucksNode, new Scope(scope));
  },
  Super: () => undefined,
  Include(node, _scope, { ctx }) {
    ctx.templateRef(node, 'include');
  },
  Extends(node, _scope, { ctx }) {
    ctx.templateRef(node, 'extends');
  },
  Import(node, scope, { ctx }) {
    ctx.templateRef(node, 'import');
    ctx.bind(node.target as NunjucksNode, scope, 'the import alias');
  },
  FromImport(node, scope, { ctx }) {
    ctx.templateRef(node, 'import');
    for (const name of children(node.names as NunjucksNode)) {
      if (name.typename === 'Pair') {
        ctx.checkName(name.key as NunjucksNode, String((name.key as NunjucksNode).value), 'the imported name');
        ctx.bind(name.value as NunjucksNode, scope, 'the import alias');
      } else {
        ctx.bind(name, scope, 'the imported name');
      }
    }
  },
};
