/**
 * Renders a tenant's template by name: resolve the version (cached), compile it once per version,
 * resolve what it includes within the same tenant, validate the variables against the version's
 * schema (every problem at once), then render to a string or to chat messages.
 */
import type { ChatMessage } from '../providers/provider.ts';
import type { PromptReference, VersionSelector } from './prompt-types.ts';
import { PromptNotFoundError, type PromptVersion } from '../../stores/prompt-templates.ts';
import { LruCache } from './lru-cache.ts';
import type { PromptResolver } from './prompt-resolver.ts';
import { LABEL_NAME, templateParts, TEMPLATE_NAME } from './template-definition.ts';
import type { CompiledTemplate, TemplateEngine } from './template-engine.ts';
import { TemplateRenderError } from './template-errors.ts';
import { compileVariablesValidator, declaredVariables, type VariablesValidator } from './variables-schema.ts';

/** Include chains deeper than this, or more templates than MAX_INCLUDED in one render, fail. */
const MAX_INCLUDE_DEPTH = 8;
const MAX_INCLUDED = 32;

interface CompiledVersion {
  parts: Array<{ role?: ChatMessage['role']; template: CompiledTemplate }>;
  validate: VariablesValidator;
}

/** A version ready to render many times: compiled, with its includes resolved. */
export interface PreparedPrompt {
  version: PromptVersion;
  reference: PromptReference;
  compiled: CompiledVersion;
  includes: ReadonlyMap<string, CompiledTemplate>;
}

export type RenderedPrompt =
  | { reference: PromptReference; type: 'text'; text: string }
  | { reference: PromptReference; type: 'chat'; messages: ChatMessage[] };

export interface PromptRenderer {
  prepare(tenantId: string, name: string, selector: VersionSelector): Promise<PreparedPrompt>;
  /** Synchronous: validation and rendering only. */
  renderPrepared(prepared: PreparedPrompt, variables: Record<string, unknown>): RenderedPrompt;
  render(tenantId: string, name: string, selector: VersionSelector, variables: Record<string, unknown>): Promise<RenderedPrompt>;
  /** After a label move in this process. */
  forget(tenantId: string, name: string): void;
}

/** `name`, `name@3` (a version) or `name@staging` (a label), as written in include/import/extends. */
export function parseTemplateRef(ref: string): { name: string; selector: VersionSelector } | undefined {
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const suffix = at < 0 ? undefined : ref.slice(at + 1);
  if (!TEMPLATE_NAME.test(name)) return undefined;
  if (suffix === undefined) return { name, selector: {} };
  if (/^[1-9][0-9]{0,8}$/.test(suffix)) return { name, selector: { version: Number(suffix) } };
  if (LABEL_NAME.test(suffix)) return { name, selector: { label: suffix } };
  return undefined;
}

export function createPromptRenderer(deps: { engine: TemplateEngine; resolver: PromptResolver; maxCompiled?: number }): PromptRenderer {
  const { engine, resolver } = deps;
  // Keyed by template id and version: immutable, and never shared across tenants.
  const compiledVersions = new LruCache<string, CompiledVersion>(deps.maxCompiled ?? 2_000);

  function compile(version: PromptVersion): CompiledVersion {
    const key = `${version.templateId}@${version.version}`;
    const cached = compiledVersions.get(key);
    if (cached) return cached;
    const declared = declaredVariables(version.variables);
    const compiled: CompiledVersion = {
      parts: templateParts(version.content).map((part) => ({
        ...(part.role && { role: part.role }),
        template: engine.compile(part.source, `${version.name}@${version.version}${part.label}`, declared),
      })),
      validate: compileVariablesValidator(version.variables),
    };
    compiledVersions.set(key, compiled);
    return compiled;
  }

  /** Resolves every template reachable through include/import/extends, within the tenant. */
  async function resolveIncludes(tenantId: string, root: PromptVersion, compiled: CompiledVersion): Promise<Map<string, CompiledTemplate>> {
    const found = new Map<string, CompiledTemplate>();
    const visit = async (refs: string[], chain: string[]): Promise<void> => {
      for (const ref of refs) {
        if (found.has(ref)) continue;
        const parsed = parseTemplateRef(ref);
        if (!parsed) throw new TemplateRenderError('include_not_found', `"${ref}" is not a template reference (name, name@3 or name@label)`, { template: chain.at(-1) });
        if (chain.length > MAX_INCLUDE_DEPTH) throw new TemplateRenderError('include_cycle', `includes nest deeper than ${MAX_INCLUDE_DEPTH} levels`);
        let version: PromptVersion;
        try {
          version = await resolver.resolve(tenantId, parsed.name, parsed.selector);
        } catch (err) {
          if (err instanceof PromptNotFoundError) {
            throw new TemplateRenderError('include_not_found', `the included template "${ref}" was not found: ${err.message}`, { template: chain.at(-1) });
          }
          throw err;
        }
        if (chain.includes(version.templateId)) throw new TemplateRenderError('include_cycle', `"${ref}" includes itself (through ${chain.length} level(s))`);
        if (version.content.type !== 'text') throw new TemplateRenderError('include_not_text', `"${ref}" is a chat template; only text templates can be included, imported or extended`);
        if (found.size >= MAX_INCLUDED) throw new TemplateRenderError('include_cycle', `a render may use at most ${MAX_INCLUDED} other templates`);
        const template = compile(version).parts[0]!.template;
        found.set(ref, template);
        await visit(version.references, [...chain, version.templateId]);
      }
    };
    const refs = [...new Set(compiled.parts.flatMap((p) => p.template.references.map((r) => r.ref)))];
    await visit(refs, [root.templateId]);
    return found;
  }

  async function prepare(tenantId: string, name: string, selector: VersionSelector): Promise<PreparedPrompt> {
    const version = await resolver.resolve(tenantId, name, selector);
    const compiled = compile(version);
    const includes = version.references.length > 0 ? await resolveIncludes(tenantId, version, compiled) : new Map<string, CompiledTemplate>();
    const reference: PromptReference = { name: version.name, version: version.version, label: selector.label ?? null, contentHash: version.contentHash };
    return { version, reference, compiled, includes };
  }

  function renderPrepared(prepared: PreparedPrompt, variables: Record<string, unknown>): RenderedPrompt {
    const values = prepared.compiled.validate(variables);
    const includes = prepared.includes.size > 0 ? (ref: string) => prepared.includes.get(ref) : undefined;
    const budget = engine.newBudget();
    const { parts } = prepared.compiled;
    if (prepared.version.content.type === 'text') {
      return { reference: prepared.reference, type: 'text', text: engine.render(parts[0]!.template, values, includes, budget) };
    }
    const messages: ChatMessage[] = [];
    let total = 0;
    for (const part of parts) {
      const content = engine.render(part.template, values, includes, budget);
      total += content.length;
      if (total > engine.limits.maxOutputChars) throw new TemplateRenderError('output_too_large', `the messages have more than ${engine.limits.maxOutputChars} characters together`);
      // A message that renders to nothing (e.g. an optional example behind an `if`) is left out.
      if (content.trim() !== '') messages.push({ role: part.role!, content });
    }
    return { reference: prepared.reference, type: 'chat', messages };
  }

  return {
    prepare,
    renderPrepared,
    async render(tenantId, name, selector, variables) {
      return renderPrepared(await prepare(tenantId, name, selector), variables);
    },
    forget: (tenantId, name) => resolver.forget(tenantId, name),
  };
}
