/**
 * What the static analysis of one template accumulates as it walks (problems, template
 * references, the text of each output expression) and the checks every node visitor shares:
 * forbidden names, binding a name in a scope, reporting an undeclared name once, and literal
 * template references.
 */
import type { NunjucksNode } from './nunjucks-internals.ts';
import type { TemplateProblem } from './template-errors.ts';
import { isForbiddenName } from './template-names.ts';

export type ReferenceKind = 'include' | 'import' | 'extends';

export interface TemplateReferenceSite {
  /** The referenced template as written: `name`, `name@3` or `name@label`. */
  ref: string;
  kind: ReferenceKind;
  line: number;
  column: number;
}

export interface AnalysisOptions {
  /** Top-level variables the version's schema declares. */
  declared: ReadonlySet<string>;
  filters: ReadonlySet<string>;
  tests: ReadonlySet<string>;
}

/** The names visible at one point of a template: a block, loop or macro body opens a new one. */
export class Scope {
  private readonly names = new Set<string>();
  constructor(readonly parent?: Scope) {}
  bind(name: string): void {
    this.names.add(name);
  }
  has(name: string): boolean {
    return this.names.has(name) || (this.parent?.has(name) ?? false);
  }
}

export interface AnalysisContext {
  readonly options: AnalysisOptions;
  readonly problems: TemplateProblem[];
  readonly references: TemplateReferenceSite[];
  /** `line:column` (0-based) of each `{{ }}` → the expression's text, for errors. */
  readonly outputs: Map<string, string>;
  problem(node: NunjucksNode, code: string, message: string): void;
  /** Reports a forbidden name; true when the name may be used. */
  checkName(node: NunjucksNode, name: string, what: string): boolean;
  bind(node: NunjucksNode, scope: Scope, what: string): void;
  /** A name read: it must be bound in `scope` (reported once per name when not). */
  reference(node: NunjucksNode, scope: Scope): void;
  templateRef(node: NunjucksNode, kind: ReferenceKind): void;
}

export function createAnalysisContext(options: AnalysisOptions): AnalysisContext {
  const problems: TemplateProblem[] = [];
  const references: TemplateReferenceSite[] = [];
  const reportedUndeclared = new Set<string>();

  const at = (node: NunjucksNode) => ({ line: node.lineno + 1, column: node.colno + 1 });
  const problem = (node: NunjucksNode, code: string, message: string) => {
    problems.push({ code, message, ...at(node) });
  };

  function checkName(node: NunjucksNode, name: string, what: string): boolean {
    if (isForbiddenName(name)) {
      problem(node, 'forbidden_name', `${what} "${name}" is not allowed in templates`);
      return false;
    }
    return true;
  }

  return {
    options,
    problems,
    references,
    outputs: new Map<string, string>(),
    problem,
    checkName,
    bind(node, scope, what) {
      const name = String(node.value);
      if (checkName(node, name, what)) scope.bind(name);
    },
    reference(node, scope) {
      const name = String(node.value);
      if (!checkName(node, name, 'the name')) return;
      if (scope.has(name) || reportedUndeclared.has(name)) return;
      reportedUndeclared.add(name);
      problem(node, 'undeclared_variable', `"${name}" is used but not declared in the variables schema (and not set, looped over or imported in the template)`);
    },
    templateRef(node, kind) {
      const target = node.template as NunjucksNode;
      if (target.typename !== 'Literal' || typeof target.value !== 'string') {
        problem(node, 'dynamic_template_reference', `${kind} must name its template with a literal string`);
        return;
      }
      references.push({ ref: target.value, kind, ...at(node) });
    },
  };
}

/** What a node visitor may use: the shared context and the walk back into child nodes. */
export interface AnalysisWalker {
  readonly ctx: AnalysisContext;
  walk(node: NunjucksNode | null | undefined, scope: Scope): void;
}

/** Checks one kind of node (by its `typename`) and walks what it contains. */
export type NodeVisitor = (node: NunjucksNode, scope: Scope, walker: AnalysisWalker) => void;

export function children(node: NunjucksNode): NunjucksNode[] {
  return node.children ?? [];
}
