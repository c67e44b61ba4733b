/**
 * Resolves tool references to what the model sees and what the executor runs: the tenant's
 * registered tools first, then the built-ins (a tenant tool named like a built-in replaces it
 * for that tenant).
 */
import type { ToolStore, ToolVersion } from '../../stores/tools.ts';
import { BUILTIN_TOOL_SPECS, defaultBuiltin } from './builtin-tools.ts';
import { BUILTIN_TOOLS, type BuiltinToolName, type ResolvedTool } from './tool-activity-contract.ts';
import { parseToolRef } from './tool-ref.ts';
import type { ToolSpec } from './tool-spec.ts';

export interface ToolResolution {
  resolved: ResolvedTool;
  /** The stored spec; absent for a built-in the tenant did not register. */
  spec?: ToolSpec;
}

const isBuiltinName = (name: string): name is BuiltinToolName => (BUILTIN_TOOLS as readonly string[]).includes(name);

export function resolvedFromVersion(tool: ToolVersion): ToolResolution {
  const { spec } = tool;
  const common = { version: tool.version, requiresApproval: spec.requires_approval, timeoutMs: spec.timeout_ms };
  if (spec.kind === 'http') {
    return {
      resolved: { definition: { name: tool.name, description: spec.description, parameters: spec.input_schema }, kind: 'http', executor: 'activity', ...common },
      spec,
    };
  }
  const builtin = BUILTIN_TOOL_SPECS[spec.builtin];
  return {
    resolved: {
      definition: { name: tool.name, description: spec.description || builtin.description, parameters: builtin.parameters },
      kind: 'builtin',
      builtin: spec.builtin,
      executor: builtin.executor,
      ...common,
    },
    spec,
  };
}

/** The tool `ref` names for `tenantId`, or undefined when there is none. */
export async function resolveToolRef(store: ToolStore, tenantId: string, ref: string): Promise<ToolResolution | undefined> {
  const parsed = parseToolRef(ref);
  if (!parsed) return undefined;
  const { name, ...selector } = parsed;
  const stored = await store.get(tenantId, name, selector);
  if (stored) return resolvedFromVersion(stored);
  if (selector.version === undefined && selector.label === undefined && isBuiltinName(name)) return { resolved: defaultBuiltin(name) };
  return undefined;
}

/** Every tool of the tenant (latest versions) and every built-in it did not replace. */
export async function allTools(store: ToolStore, tenantId: string): Promise<ResolvedTool[]> {
  const registered = (await store.list(tenantId)).map((t) => resolvedFromVersion(t).resolved);
  const taken = new Set(registered.map((t) => t.definition.name));
  return [...registered, ...BUILTIN_TOOLS.filter((b) => !taken.has(b)).map(defaultBuiltin)];
}
