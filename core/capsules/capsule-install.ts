import type { ProviderId } from '../providers/provider.ts';
import type { PromptRenderer } from '../prompts/prompt-renderer.ts';
import { checkDefinition, toDefinition } from '../prompts/template-definition.ts';
import type { TemplateEngine } from '../prompts/template-engine.ts';
import type { CapsuleVersion, CapsuleStore, CapsuleInstall } from '../../stores/capsules.ts';
import type { ModelPolicyStore } from '../../stores/model-policies.ts';
import type { ModelRegistryCache } from '../../stores/model-registry-cache.ts';
import type { PromptTemplateStore } from '../../stores/prompt-templates.ts';
import type { ToolStore } from '../../stores/tools.ts';
import type { AgentStore } from '../../stores/agents.ts';
import { checkCapsuleAgents, installCapsuleAgents } from '../agents/capsule-agents.ts';
import { InvalidRequestError } from '../errors/domain-error.ts';
import { inputSchemaProblems } from '../tools/tool-input-schema.ts';
import { checkModelIds } from '../routing/model-resolution.ts';

export interface CapsuleInstallDeps {
  capsules: CapsuleStore;
  templates: PromptTemplateStore;
  engine: TemplateEngine;
  renderer: PromptRenderer;
  policies: ModelPolicyStore;
  models: ModelRegistryCache;
  availableProviders: ReadonlySet<ProviderId>;
  /** The tenant tool registry the capsule's tools go to. */
  tools: ToolStore;
  /** The tenant's agent definitions the capsule's agents go to. */
  agents: AgentStore;
}

export interface InstalledCapsule {
  install: CapsuleInstall;
  /** Each template and the version it now has (new, or the identical one it already had). */
  prompts: Array<{ name: string; version: number; created: boolean; labels: string[] }>;
  policy: string;
  /** Each tool and the version it now has (new, or the identical one it already had). */
  tools: Array<{ name: string; version: number; created: boolean }>;
}

/**
 * Installs one capsule version into a tenant: its templates (a new template, or a new version
 * only when the content differs, with the manifest's labels moved to it) and its model policy,
 * named after the capsule. Every step is idempotent, so installing again — or retrying a
 * half-done install — ends in the same state.
 */
export async function installCapsule(deps: CapsuleInstallDeps, tenantId: string, actor: string, capsule: CapsuleVersion): Promise<InstalledCapsule> {
  const { manifest } = capsule;
  // Check everything before changing anything: a capsule that cannot work here changes nothing.
  checkModelIds(manifest.model_policy.models ?? [manifest.model_policy.model!], await deps.models.models(), deps.availableProviders);
  const checked = manifest.prompts.map((prompt) => ({ prompt, definition: checkDefinition(deps.engine, prompt.name, toDefinition(prompt)) }));
  checkToolSchemas(manifest.tools ?? []);
  checkCapsuleAgents(manifest.agents ?? []);

  const prompts: InstalledCapsule['prompts'] = [];
  const note = `installed from capsule ${capsule.name}@${capsule.version}`;
  for (const { prompt, definition } of checked) {
    const version = { ...definition, note, createdBy: actor };
    let number: number;
    let created: boolean;
    if (await deps.templates.getTemplate(tenantId, prompt.name)) {
      const added = await deps.templates.addVersion(tenantId, prompt.name, version);
      ({ version: number } = added.version);
      created = added.created;
    } else {
      const made = await deps.templates.createTemplate({ tenantId, name: prompt.name, description: `From capsule ${capsule.name}.`, version, labels: [] });
      number = made.version.version;
      created = true;
    }
    for (const label of new Set(prompt.labels)) {
      await deps.templates.moveLabel({ tenantId, name: prompt.name, label, version: number, actor, reason: note });
    }
    deps.renderer.forget(tenantId, prompt.name);
    prompts.push({ name: prompt.name, version: number, created, labels: [...new Set(prompt.labels)] });
  }
  await deps.policies.put(tenantId, capsule.name, manifest.model_policy, false);
  // Tools remember the capsule version that wrote them; an identical reinstall writes nothing.
  const tools: InstalledCapsule['tools'] = [];
  for (const { name, ...spec } of manifest.tools ?? []) {
    const tool = await deps.tools.create(tenantId, name, spec, { source: `${capsule.name}@${capsule.version}` });
    tools.push({ name, version: tool.version, created: tool.created });
  }
  // Agents after tools: a run of an installed agent finds the tools it names.
  await installCapsuleAgents(deps.agents, tenantId, actor, `${capsule.name}@${capsule.version}`, manifest.agents ?? []);
  const install = await deps.capsules.recordInstall(tenantId, capsule.name, capsule.version);
  return { install, prompts, policy: capsule.name, tools };
}

/** Input schemas Ajv cannot compile are refused at publish and again here, before anything changes. */
export function checkToolSchemas(tools: NonNullable<CapsuleVersion['manifest']['tools']>): void {
  const problems = tools.flatMap((t, i) => inputSchemaProblems(t.input_schema).map((p) => ({ path: `tools.${i}.input_schema${p.path.replaceAll('/', '.')}`, code: 'invalid_json_schema', message: p.message })));
  if (problems.length > 0) throw new InvalidRequestError('invalid_tool_schema', `A tool's input schema is invalid (first: ${problems[0]!.path}: ${problems[0]!.message}).`, problems);
}
