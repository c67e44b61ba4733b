/**
 * Agents a capsule ships (its manifest's `agents` section), installed into the tenant's agent
 * definitions. Checked before an install changes anything; a reinstall of the same capsule adds
 * no version (the spec is compared with the agent's latest), so installing stays idempotent.
 */
import type { AgentStore } from '../../stores/agents.ts';
import { specOf, type AgentDefinition } from './agent-definition.ts';
import { checkOutputSchema } from './output-guardrail.ts';

/** Throws a 400 (invalid_output_schema) for a definition no run could use. */
export function checkCapsuleAgents(definitions: readonly AgentDefinition[]): void {
  for (const definition of definitions) if (definition.output_schema) checkOutputSchema(definition.output_schema);
}

/** Canonical JSON (sorted keys), so the same spec compares equal whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function installCapsuleAgents(
  agents: Pick<AgentStore, 'get' | 'getVersion' | 'createVersion' | 'moveLabel'>,
  tenantId: string,
  actor: string,
  source: string,
  definitions: readonly AgentDefinition[],
): Promise<Array<{ name: string; version: number; created: boolean }>> {
  const installed: Array<{ name: string; version: number; created: boolean }> = [];
  for (const definition of definitions) {
    const spec = specOf(definition);
    const existing = await agents.get(tenantId, definition.name);
    const latest = existing ? await agents.getVersion(tenantId, definition.name, { version: existing.latestVersion }) : undefined;
    if (latest && canonical(latest.spec) === canonical(spec)) {
      for (const label of definition.labels ?? []) await agents.moveLabel(tenantId, definition.name, label, latest.version, actor);
      installed.push({ name: definition.name, version: latest.version, created: false });
      continue;
    }
    const { version } = await agents.createVersion(tenantId, {
      name: definition.name,
      description: definition.description,
      spec,
      note: definition.note ?? `installed from capsule ${source}`,
      labels: definition.labels,
      createdBy: actor,
    });
    installed.push({ name: definition.name, version: version.version, created: true });
  }
  return installed;
}
