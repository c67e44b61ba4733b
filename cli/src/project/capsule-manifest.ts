/**
 * The capsule manifest `POST /v1/capsules` takes, built from a project: its prompt files
 * bundled into `prompts[]` (text or messages, variables schema, labels) and its model policy
 * written out.
 */
import type { CapsuleManifest, CapsulePrompt, ModelPolicySpec } from '@somaagent/sdk';
import type { Project } from './load-project.ts';

/** The project's capsule manifest, or undefined when the project declares no capsule. */
export function capsuleManifest(project: Project): CapsuleManifest | undefined {
  const spec = project.manifest.capsule;
  if (!spec) return undefined;
  const wanted = spec.prompts ? new Set(spec.prompts) : undefined;
  const prompts = project.prompts
    .filter((p) => !wanted || wanted.has(p.name))
    .map((p): CapsulePrompt => ({
      name: p.name,
      ...(p.content.type === 'text' ? { text: p.content.text } : { messages: p.content.messages }),
      variables: p.variables,
      labels: p.labels,
    }));
  const policy = typeof spec.model_policy === 'string' ? project.manifest.policies[spec.model_policy]! : spec.model_policy;
  const { default: _default, ...modelPolicy } = policy;
  return {
    name: spec.name,
    version: spec.version,
    description: spec.description,
    prompts,
    model_policy: modelPolicy as ModelPolicySpec,
    required_tools: spec.required_tools,
    evaluation: spec.evaluation,
  };
}
