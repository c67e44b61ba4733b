/**
 * Typed access to the parts of Nunjucks 3.2 the sandbox builds on (parser, AST nodes, compiler,
 * transformer, runtime). @types/nunjucks covers only the public rendering API; these shapes are
 * read from nunjucks/src and pinned by the exact version in package.json.
 */
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';

const require = createRequire(import.meta.url);

/** An AST node. `fields` names the child slots; NodeLists keep theirs in `children`. */
export interface NunjucksNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  children?: NunjucksNode[];
  value?: unknown;
  [field: string]: unknown;
}

type NodeConstructor = new (lineno: number, colno: number, ...fields: unknown[]) => NunjucksNode;

export interface NunjucksInternals {
  parse(source: string, extensions: unknown[], options: { trimBlocks?: boolean; lstripBlocks?: boolean }): NunjucksNode;
  nodes: Record<'Output' | 'FunCall' | 'Symbol' | 'NodeList' | 'Literal', NodeConstructor>;
  transform(ast: NunjucksNode, asyncFilters: string[], name: string): NunjucksNode;
  Compiler: new (name: string, throwOnUndefined: boolean) => { compile(ast: NunjucksNode): void; getCode(): string };
  runtime: Record<string, unknown> & {
    makeMacro(argNames: string[], kwargNames: string[], fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown;
    SafeString: new (value: string) => { val: string; length: number };
  };
  lib: { TemplateError: new (message: string, lineno: number, colno: number) => Error & { lineno?: number; colno?: number } };
  filters: Record<string, (...args: unknown[]) => unknown>;
  tests: Record<string, (...args: unknown[]) => unknown>;
}

const internal = nunjucks as unknown as {
  parser: { parse: NunjucksInternals['parse'] };
  nodes: NunjucksInternals['nodes'];
  compiler: { Compiler: NunjucksInternals['Compiler'] };
  runtime: NunjucksInternals['runtime'];
  lib: NunjucksInternals['lib'];
};

export const nj: NunjucksInternals = {
  parse: (source, extensions, options) => internal.parser.parse(source, extensions, options),
  nodes: internal.nodes,
  transform: (require('nunjucks/src/transformer.js') as { transform: NunjucksInternals['transform'] }).transform,
  Compiler: internal.compiler.Compiler,
  runtime: internal.runtime,
  lib: internal.lib,
  filters: require('nunjucks/src/filters.js') as NunjucksInternals['filters'],
  tests: require('nunjucks/src/tests.js') as NunjucksInternals['tests'],
};

export { nunjucks };
