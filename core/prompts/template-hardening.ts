/**
 * Rewrites a checked template's AST so the budget sees what plain JavaScript would hide from it:
 * every loop iteration calls `__step()`; string concatenation (`~`, `+`) and list literals go
 * through size-checked functions (`__concat`, `__add`, `__list`) instead of JavaScript operators,
 * so a template cannot double a string or nest lists into a gigabyte within one expression; and
 * literal text inside loops and macros is output like a value, so it counts toward the output
 * limit as it is produced (text outside them is bounded by the template's own size).
 * The hooks live in the sandbox globals (sandbox-runtime.ts); templates cannot name them.
 */
import { nj, type NunjucksNode } from './nunjucks-internals.ts';

function isNode(value: unknown): value is NunjucksNode {
  return typeof value === 'object' && value !== null && typeof (value as NunjucksNode).typename === 'string';
}

function call(hook: string, at: NunjucksNode, args: NunjucksNode[]): NunjucksNode {
  const { FunCall, Symbol, NodeList } = nj.nodes;
  return new FunCall(at.lineno, at.colno, new Symbol(at.lineno, at.colno, hook), new NodeList(at.lineno, at.colno, args));
}

const HOOKS: Record<string, string> = { Concat: '__concat', Add: '__add' };

/** Loop and macro bodies: where literal text can repeat. */
const REPEATING = new Set(['For', 'Macro', 'Caller']);

function rewrite(node: NunjucksNode, repeating = false): NunjucksNode {
  const inner = repeating || REPEATING.has(node.typename);
  for (const field of node.fields) {
    // A loop's targets (`for k, v in ...`) are an Array node that is not a list literal.
    if (field === 'name' && node.typename === 'For') continue;
    const value = node[field];
    if (isNode(value)) node[field] = rewrite(value, inner);
  }
  if (node.typename === 'Set' && isNode(node.body)) node.body = rewrite(node.body, inner);
  if (node.children) node.children = node.children.map((child) => rewrite(child, inner));

  if (node.typename === 'TemplateData' && repeating) return new nj.nodes.Literal(node.lineno, node.colno, node.value);
  if (node.typename === 'For') {
    const body = node.body as NunjucksNode;
    body.children = [new nj.nodes.Output(node.lineno, node.colno, [call('__step', node, [])]), ...(body.children ?? [])];
    return node;
  }
  const hook = HOOKS[node.typename];
  if (hook) return call(hook, node, [node.left as NunjucksNode, node.right as NunjucksNode]);
  if (node.typename === 'Array') return call('__list', node, node.children ?? []);
  return node;
}

/** Rewrites the tree in place and returns its root. */
export function hardenTemplate(root: NunjucksNode): NunjucksNode {
  return rewrite(root);
}
