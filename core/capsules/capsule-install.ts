import type { ProviderId } from '../providers/provider.ts';
import type { PromptRenderer } from '../prompts/prompt-renderer.ts';
import { checkDefinition, toDefinition } from '../prompts/template-definition.ts';
import type { TemplateEngine } from '../prompts/template-engine.ts';
import type { CapsuleVersion, CapsuleStore, CapsuleInstall } from '../../stores/capsules.ts';
import type { ModelPolicyStore } from '../../stores/model-policies.ts';
import type { ModelRegistryCache } from '../../stores/model-registry-cache.ts';
import type { PromptTemplateStore } from '../../stores/prompt-templates.ts';
import { checkModelIds } from '../routing/model-resolution.ts';

export interface CapsuleInstallDeps {
  capsules: CapsuleStore;
  templates: PromptTemplateStore;
  engine: TemplateEngine;
  renderer: PromptRenderer;
  policies: ModelPolicyStore;
  models: ModelRegistryCache;
  availableProviders: ReadonlySet<ProviderId>;
}

export interface InstalledCapsule {
  install: CapsuleInstall;
  /** Each template and the version it now has (new, or the identical one it already had). */
  prompts: Array<{ name: string; version: number; created: boolean; labels: string[] }>;
  policy: string;
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
  const install = await deps.capsules.recordInstall(tenantId, capsule.name, capsule.version);
  return { install, prompts, policy: capsule.name };
}
