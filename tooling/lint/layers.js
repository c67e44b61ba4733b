// The layer rule: which top-level folder may import which. Written as a local ESLint rule (no
// plugin dependency) because the layers are ours: it resolves each relative import to the
// repository folder it lands in and checks it against LAYERS below. Type-only imports are
// allowed downward and sideways only where `types` says so; workflows get a purity check on top.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * For each layer (a top-level folder): the layers its runtime (value) imports may reach, and
 * the ones it may reach with `import type` only. A layer always reaches itself.
 */
export const LAYERS = {
  platform: { value: [], types: [] },
  stores: { value: ['platform'], types: ['core'] },
  core: { value: ['stores', 'platform'], types: [] },
  activities: { value: ['core', 'stores', 'platform'], types: [] },
  workflows: { value: [], types: ['activities', 'core', 'platform'] },
  composition: { value: ['activities', 'core', 'stores', 'platform', 'workflows'], types: [] },
  workers: { value: ['composition', 'activities', 'core', 'stores', 'platform', 'workflows'], types: [] },
  api: { value: ['composition', 'workers', 'core', 'stores', 'platform', 'workflows'], types: ['activities'] },
  cli: { value: [], types: [] },
  sdk: { value: [], types: [] },
};

/** Packages a workflow may load: the workflow API and deterministic pure libraries. */
const WORKFLOW_PACKAGES = new Set(['@temporalio/workflow', '@temporalio/common', 'zod']);

function layerOf(file) {
  const rel = relative(ROOT, file);
  if (rel.startsWith('..')) return undefined;
  return rel.split(sep)[0];
}

function resolveImport(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  return resolve(dirname(fromFile), spec);
}

const importRe = /^\s*(import|export)\s+(type\s+)?([^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** The value imports of a file: [specifier] (type-only imports and `import { type X }`-only are left out). */
function valueImports(file) {
  const src = readFileSync(file, 'utf8');
  const out = [];
  for (const m of src.matchAll(importRe)) {
    if (m[2]) continue; // import type ...
    const clause = m[3] ?? '';
    const braces = /\{([^}]*)\}/.exec(clause);
    const onlyTypes = braces && !/^\s*(import|export)\s+[\w$]+\s*,/.test(m[0]) && braces[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    if (onlyTypes) continue;
    out.push(m[4]);
  }
  return out;
}

/** The first impure thing a workflow would load through `file`, or undefined when it is pure. */
function impurity(file, seen = new Set()) {
  if (seen.has(file)) return undefined;
  seen.add(file);
  if (!existsSync(file)) return undefined;
  for (const spec of valueImports(file)) {
    if (spec.startsWith('.')) {
      const target = resolveImport(file, spec);
      const layer = layerOf(target);
      if (layer !== 'workflows' && layer !== 'core' && layer !== 'platform') return `${relative(ROOT, target)} (${layer} code)`;
      const found = impurity(target, seen);
      if (found) return `${found}, through ${relative(ROOT, target)}`;
    } else if (!WORKFLOW_PACKAGES.has(spec)) {
      return `the package "${spec}"`;
    }
  }
  return undefined;
}

export const layersRule = {
  meta: { type: 'problem', schema: [], messages: { layer: '{{message}}' } },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    const rules = LAYERS[from];
    if (!rules) return {};
    function check(node, spec, typeOnly) {
      if (typeof spec !== 'string') return;
      if (!spec.startsWith('.')) {
        if (from === 'workflows' && !typeOnly && !WORKFLOW_PACKAGES.has(spec)) {
          context.report({ node, messageId: 'layer', data: { message: `workflows may not load the package "${spec}" (not deterministic); import types only, or move the logic to an activity` } });
        }
        return;
      }
      const target = resolveImport(file, spec);
      const to = layerOf(target);
      if (to === undefined || to === from) {
        if (to === undefined && (from === 'cli' || from === 'sdk')) context.report({ node, messageId: 'layer', data: { message: `${from} may import nothing outside ${from}/` } });
        return;
      }
      // Stores may use the domain's vocabulary (pure modules: types, constants, schemas), never
      // its services; workflows may load only pure modules at all.
      if (!typeOnly && ((from === 'workflows' && (to === 'core' || to === 'platform')) || (from === 'stores' && to === 'core'))) {
        {
          const found = impurity(target.endsWith('.ts') ? target : `${target}.ts`);
          if (found) context.report({ node, messageId: 'layer', data: { message: `${from} may import only pure ${to} modules: ${spec} loads ${found}` } });
          return;
        }
      }
      const allowed = rules.value.includes(to) || (typeOnly && rules.types.includes(to));
      if (!allowed) {
        const hint = rules.types.includes(to) ? ' (type-only imports are allowed: use `import type`)' : '';
        context.report({ node, messageId: 'layer', data: { message: `${from}/ may not import ${to}/ (${spec})${hint}` } });
      }
    }
    const isTypeOnly = (node) => node.importKind === 'type' || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
    return {
      ImportDeclaration(node) { check(node, node.source.value, isTypeOnly(node)); },
      ExportNamedDeclaration(node) { if (node.source) check(node, node.source.value, node.exportKind === 'type'); },
      ExportAllDeclaration(node) { check(node, node.source.value, node.exportKind === 'type'); },
      ImportExpression(node) { if (node.source.type === 'Literal') check(node, node.source.value, false); },
    };
  },
};
