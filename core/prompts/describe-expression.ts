import type { NunjucksNode } from './nunjucks-internals.ts';
import { IDENTIFIER } from './template-names.ts';

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
