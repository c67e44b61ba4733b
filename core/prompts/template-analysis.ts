/**
 * Static checks of a parsed template, run before anything is compiled: every name the template
 * reads must be declared (a variable of the version's schema, a loop variable, a `set`, a macro
 * or its argument, an import) or be one of the sandbox globals; property names that only serve
 * to walk prototypes are refused; filters and tests come from an allow-list; include, import and
 * extends name their template with a literal string (so they can be resolved, within the same
 * tenant, before rendering); regular-expression literals are refused (a runaway pattern could
 * block the process, and no time limit can interrupt one).
 */
import type { NunjucksNode } from './nunjucks-internals.ts';
import type { TemplateProblem } from './template-errors.ts';

/** Names that only ever serve to reach prototypes and constructors. */
const FORBIDDEN_NAMES = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);

/** Names starting with `__` are the engine's own (e.g. the loop budget hook). */
export function isForbiddenName(name: string): boolean {
  return FORBIDDEN_NAMES.has(name) || name.startsWith('__');
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Functions every template may call; see sandbox-runtime.ts. */
export const TEMPLATE_GLOBALS = ['range', 'cycler', 'joiner'] as const;

export type ReferenceKind = 'include' | 'import' | 'extends';

export interface TemplateReferenceSite {
  /** The referenced template as written: `name`, `name@3` or `name@label`. */
  ref: string;
  kind: ReferenceKind;
  line: number;
  column: number;
}

export interface TemplateAnalysis {
  problems: TemplateProblem[];
  references: TemplateReferenceSite[];
  /** `line:column` (0-based, as the compiler reports them) of each `{{ }}` → the expression's text, for errors. */
  outputs: Map<string, string>;
}

export interface AnalysisOptions {
  /** Top-level variables the version's schema declares. */
  declared: ReadonlySet<string>;
  filters: ReadonlySet<string>;
  tests: ReadonlySet<string>;
}

class Scope {
  private readonly names = new Set<string>();
  constructor(readonly parent?: Scope) {}
  bind(name: string): void {
    this.names.add(name);
  }
  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }
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

/** A short text for an expression, e.g. `user.name` or `items[0]`, used in error messages. */
export function describeExpression(node: NunjucksNode | undefined): string {
  if (!node) return 'expression';
  switch (node.typename) {
    case 'Symbol':
      return String(node.value);
    case 'Literal':
      return JSON.stringify(node.value) ?? 'literal';
    case 'LookupVal': {
      const target = describeExpression(node.target as NunjucksNode);
      const key = node.val as NunjucksNode;
      if (key.typename === 'Literal' && typeof key.value === 'string' && IDENTIFIER.test(key.value)) return `${target}.${key.value}`;
      return `${target}[${describeExpression(key)}]`;
    }
    case 'FunCall':
      return `${describeExpression(node.name as NunjucksNode)}(...)`;
    case 'Filter': {
      const args = (node.args as NunjucksNode).children ?? [];
      return `${describeExpression(args[0])} | ${describeExpression(node.name as NunjucksNode)}`;
    }
    default:
      return 'expression';
  }
}

export function analyzeTemplate(root: NunjucksNode, options: AnalysisOptions): TemplateAnalysis {
  const problems: TemplateProblem[] = [];
  const references: TemplateReferenceSite[] = [];
  const outputs = new Map<string, string>();
  const reportedUndeclared = new Set<string>();
  const globalScope = new Scope();
  for (const name of [...options.declared, ...TEMPLATE_GLOBALS]) globalScope.bind(name);

  const at = (node: NunjucksNode) => ({ line: node.lineno + 1, column: node.colno + 1 });
  const problem = (node: NunjucksNode, code: string, message: string) => problems.push({ code, message, ...at(node) });

  function checkName(node: NunjucksNode, name: string, what: string): boolean {
    if (isForbiddenName(name)) {
      problem(node, 'forbidden_name', `${what} "${name}" is not allowed in templates`);
      return false;
    }
    return true;
  }

  function bind(node: NunjucksNode, scope: Scope, what: string): void {
    const name = String(node.value);
    if (checkName(node, name, what)) scope.bind(name);
  }

  function reference(node: NunjucksNode, scope: Scope): void {
    const name = String(node.value);
    if (!checkName(node, name, 'the name')) return;
    if (scope.has(name) || reportedUndeclared.has(name)) return;
    reportedUndeclared.add(name);
    problem(node, 'undeclared_variable', `"${name}" is used but not declared in the variables schema (and not set, looped over or imported in the template)`);
  }

  function templateRef(node: NunjucksNode, kind: ReferenceKind): void {
    const target = node.template as NunjucksNode;
    if (target.typename !== 'Literal' || typeof target.value !== 'string') {
      problem(node, 'dynamic_template_reference', `${kind} must name its template with a literal string`);
      return;
    }
    references.push({ ref: target.value, kind, ...at(node) });
  }

  function children(node: NunjucksNode): NunjucksNode[] {
    return node.children ?? [];
  }

  function walkAll(nodes: NunjucksNode[], scope: Scope): void {
    for (const child of nodes) walk(child, scope);
  }

  function walkCallArgs(args: NunjucksNode, scope: Scope): void {
    for (const arg of children(args)) {
      if (arg.typename === 'KeywordArgs') {
        for (const pair of children(arg)) {
          const key = pair.key as NunjucksNode;
          checkName(key, String(key.value), 'the keyword argument');
          walk(pair.value as NunjucksNode, scope);
        }
      } else {
        walk(arg, scope);
      }
    }
  }

  /** Macro and caller bodies: arguments (and `caller`) are visible inside only. */
  function walkMacro(node: NunjucksNode, scope: Scope): void {
    const inner = new Scope(scope);
    inner.bind('caller');
    for (const arg of children(node.args as NunjucksNode)) {
      if (arg.typename === 'KeywordArgs') {
        for (const pair of children(arg)) {
          walk(pair.value as NunjucksNode, scope);
          bind(pair.key as NunjucksNode, inner, 'the macro argument');
        }
      } else {
        bind(arg, inner, 'the macro argument');
      }
    }
    walk(node.body as NunjucksNode, inner);
  }

  function walk(node: NunjucksNode | null | undefined, scope: Scope): void {
    if (!node) return;
    const type = node.typename;
    if (LISTS.has(type)) {
      if (type === 'Output') {
        const expression = children(node).find((c) => c.typename !== 'TemplateData');
        if (expression) outputs.set(`${node.lineno}:${node.colno}`, describeExpression(expression));
      }
      walkAll(children(node), scope);
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
      problem(node, 'unsupported_tag', UNSUPPORTED[type]);
      return;
    }
    switch (type) {
      case 'TemplateData':
        return;
      case 'Literal':
        if (node.value instanceof RegExp) problem(node, 'regex_not_allowed', 'regular-expression literals are not allowed in templates');
        return;
      case 'Symbol':
        reference(node, scope);
        return;
      case 'Dict':
        for (const pair of children(node)) {
          const key = pair.key as NunjucksNode;
          if (key.typename === 'Symbol' || (key.typename === 'Literal' && typeof key.value === 'string')) checkName(key, String(key.value), 'the key');
          else walk(key, scope);
          walk(pair.value as NunjucksNode, scope);
        }
        return;
      case 'LookupVal': {
        walk(node.target as NunjucksNode, scope);
        const key = node.val as NunjucksNode;
        if (key.typename === 'Literal' && typeof key.value === 'string') checkName(key, key.value, 'the property');
        else walk(key, scope);
        return;
      }
      case 'FunCall':
        walk(node.name as NunjucksNode, scope);
        walkCallArgs(node.args as NunjucksNode, scope);
        return;
      case 'Filter': {
        const name = String((node.name as NunjucksNode).value);
        if (!options.filters.has(name)) problem(node, 'unknown_filter', `there is no filter "${name}"`);
        walkCallArgs(node.args as NunjucksNode, scope);
        return;
      }
      case 'Is': {
        walk(node.left as NunjucksNode, scope);
        const test = node.right as NunjucksNode;
        const nameNode = test.typename === 'FunCall' ? (test.name as NunjucksNode) : test;
        const name = String(nameNode.value);
        if (!options.tests.has(name)) problem(test, 'unknown_test', `there is no test "${name}"`);
        if (test.typename === 'FunCall') walkCallArgs(test.args as NunjucksNode, scope);
        return;
      }
      case 'InlineIf':
      case 'If':
        walk(node.cond as NunjucksNode, scope);
        walk(node.body as NunjucksNode, scope);
        walk(node.else_ as NunjucksNode, scope);
        return;
      case 'Switch':
        walk(node.expr as NunjucksNode, scope);
        for (const c of (node.cases as NunjucksNode[] | undefined) ?? []) {
          walk(c.cond as NunjucksNode, scope);
          walk(c.body as NunjucksNode, scope);
        }
        walk(node.default as NunjucksNode, scope);
        return;
      case 'Compare':
        walk(node.expr as NunjucksNode, scope);
        for (const op of (node.ops as NunjucksNode[] | undefined) ?? []) walk(op.expr as NunjucksNode, scope);
        return;
      case 'For': {
        walk(node.arr as NunjucksNode, scope);
        const inner = new Scope(scope);
        inner.bind('loop');
        const target = node.name as NunjucksNode;
        for (const name of target.typename === 'Array' ? children(target) : [target]) bind(name, inner, 'the loop variable');
        walk(node.body as NunjucksNode, inner);
        walk(node.else_ as NunjucksNode, scope);
        return;
      }
      case 'Set': {
        walk(node.value as NunjucksNode, scope);
        walk(node.body as NunjucksNode, scope);
        for (const target of (node.targets as NunjucksNode[] | undefined) ?? []) bind(target, scope, 'the variable');
        return;
      }
      case 'Capture':
        walk(node.body as NunjucksNode, scope);
        return;
      case 'Macro':
        // Bound before the body so a macro may call itself (the step budget bounds recursion).
        bind(node.name as NunjucksNode, scope, 'the macro');
        walkMacro(node, scope);
        return;
      case 'Caller':
        walkMacro(node, scope);
        return;
      case 'Block':
        checkName(node.name as NunjucksNode, String((node.name as NunjucksNode).value), 'the block');
        walk(node.body as NunjucksNode, new Scope(scope));
        return;
      case 'Super':
        return;
      case 'Include':
        templateRef(node, 'include');
        return;
      case 'Extends':
        templateRef(node, 'extends');
        return;
      case 'Import':
        templateRef(node, 'import');
        bind(node.target as NunjucksNode, scope, 'the import alias');
        return;
      case 'FromImport':
        templateRef(node, 'import');
        for (const name of children(node.names as NunjucksNode)) {
          if (name.typename === 'Pair') {
            checkName(name.key as NunjucksNode, String((name.key as NunjucksNode).value), 'the imported name');
            bind(name.value as NunjucksNode, scope, 'the import alias');
          } else {
            bind(name, scope, 'the imported name');
          }
        }
        return;
      case 'KeywordArgs':
        walkCallArgs(node, scope);
        return;
      default:
        problem(node, 'unsupported_tag', `"${type}" is not supported in templates`);
    }
  }

  walk(root, globalScope);
  return { problems, references, outputs };
}
