/**
 * What `somaagent deploy` would change on the server, item by item, before anything is sent:
 * each prompt template (create, new version, label moves, unchanged), each model policy
 * (create, update, unchanged) and the capsule version (create, new version, unchanged, or a
 * conflict when that version was published with other content). Each change carries the
 * calls that apply it, so applying is walking the plan.
 */
import type { Policy, PolicyPutParams, PromptTemplateWithLatest, SomaAgent } from '@somaagent/sdk';
import { isMissingRoute, isNotFound } from '../api.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { capsuleManifest } from './capsule-manifest.ts';
import type { LocalPrompt, Project } from './load-project.ts';
import type { PolicySpec } from './project-manifest.ts';
import { capsuleState, publishCapsule } from './publish-capsule.ts';
import { includes } from './same-content.ts';

export type ChangeAction = 'create' | 'update' | 'unchanged' | 'conflict';

export interface PlannedChange {
  kind: 'prompt' | 'policy' | 'capsule';
  name: string;
  action: ChangeAction;
  /** What happens, for a person: "new version 3 (latest 2)", "move production (2 → 3)". */
  detail: string;
  /** Sends the change; resolves to what the server did. */
  apply?: () => Promise<string>;
}

/** The resource, or undefined when it does not exist; a server without the route is an error. */
async function getOrMissing<T>(client: SomaAgent, get: () => Promise<T>, feature: string): Promise<T | undefined> {
  try {
    return await get();
  } catch (err) {
    if (isMissingRoute(err)) throw new CliError(`the server at ${client.baseURL} does not support ${feature}`, EXIT.failure, `Use a newer server, or remove the ${feature} from somaagent.json.`);
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function versionInput(p: LocalPrompt) {
  return {
    ...(p.content.type === 'text' ? { text: p.content.text } : { messages: p.content.messages }),
    variables: p.variables,
    note: p.note ?? `deployed from ${p.file}`,
  };
}

const labelList = (labels: string[]) => (labels.length ? `, labels ${labels.join(', ')}` : '');

async function planPrompt(client: SomaAgent, p: LocalPrompt): Promise<PlannedChange> {
  const remote: PromptTemplateWithLatest | undefined = await getOrMissing(client, () => client.prompts.get(p.name), 'prompt templates');
  const base = { kind: 'prompt' as const, name: p.name };
  if (!remote) {
    return {
      ...base,
      action: 'create',
      detail: `version 1${labelList(p.labels)}`,
      apply: async () => {
        await client.prompts.create({ name: p.name, description: p.description, labels: p.labels, ...versionInput(p) });
        return `created version 1${labelList(p.labels)}`;
      },
    };
  }
  // The server identifies a version by this hash and never stores the latest content twice.
  if (remote.latest.content_hash !== p.contentHash) {
    return {
      ...base,
      action: 'update',
      detail: `new version ${remote.latest_version + 1} (latest ${remote.latest_version})${labelList(p.labels)}`,
      apply: async () => {
        const added = await client.prompts.versions.create(p.name, { ...versionInput(p), labels: p.labels });
        return added.created ? `created version ${added.version}${labelList(p.labels)}` : `unchanged (version ${added.version} has this content)`;
      },
    };
  }
  const latest = remote.latest_version;
  const stale = p.labels.filter((label) => remote.labels[label] !== latest);
  if (stale.length > 0) {
    return {
      ...base,
      action: 'update',
      detail: `move ${stale.map((l) => `${l} (${remote.labels[l] ?? 'unset'} → ${latest})`).join(', ')}`,
      apply: async () => {
        for (const label of stale) await client.prompts.labels.move(p.name, label, { version: latest, reason: `deployed from ${p.file}` });
        return `moved ${stale.join(', ')} to version ${latest}`;
      },
    };
  }
  return { ...base, action: 'unchanged', detail: `version ${latest}` };
}

const POLICY_FIELDS = ['model', 'models', 'routing', 'parameters'] as const;

/** The server's policy equals ours: our fields match, and it has no model field we left out. */
function samePolicy(remote: Policy, local: PolicyPutParams): boolean {
  if (!includes(remote, local)) return false;
  return POLICY_FIELDS.every((field) => local[field] !== undefined || remote[field] === undefined || remote[field] === null);
}

const describePolicy = (p: { model?: string; models?: string[] }) => p.model ?? p.models?.join(' → ') ?? '-';

async function planPolicy(client: SomaAgent, name: string, spec: PolicySpec): Promise<PlannedChange> {
  const body = { ...spec, default: spec.default ?? false } as PolicyPutParams;
  const remote = await getOrMissing(client, () => client.policies.get(name), 'model policies');
  const apply = async () => {
    await client.policies.put(name, body);
    return remote ? 'updated' : 'created';
  };
  if (!remote) return { kind: 'policy', name, action: 'create', detail: describePolicy(spec), apply };
  if (samePolicy(remote, body)) return { kind: 'policy', name, action: 'unchanged', detail: describePolicy(spec) };
  return { kind: 'policy', name, action: 'update', detail: `${describePolicy(remote)} → ${describePolicy(spec)}`, apply };
}

async function planCapsule(client: SomaAgent, project: Project): Promise<PlannedChange[]> {
  const manifest = capsuleManifest(project);
  if (!manifest) return [];
  const name = `${manifest.name}@${manifest.version}`;
  const count = manifest.prompts?.length ?? 0;
  const prompts = `${count} prompt${count === 1 ? '' : 's'}`;
  const apply = async () => {
    await publishCapsule(client, manifest);
    return `published ${name}`;
  };
  const where = await capsuleState(client, manifest);
  switch (where.state) {
    case 'new_capsule':
      return [{ kind: 'capsule', name, action: 'create', detail: `first version, ${prompts}`, apply }];
    case 'new_version':
      return [{ kind: 'capsule', name, action: 'update', detail: `new version (latest ${where.latest}), ${prompts}`, apply }];
    case 'published':
      return [{ kind: 'capsule', name, action: 'unchanged', detail: 'published' }];
    case 'conflict':
      return [{ kind: 'capsule', name, action: 'conflict', detail: `${name} was published with other content: raise capsule.version in somaagent.json` }];
  }
}

export async function planDeploy(client: SomaAgent, project: Project): Promise<PlannedChange[]> {
  const prompts = await Promise.all(project.prompts.map((p) => planPrompt(client, p)));
  const policies: PlannedChange[] = [];
  for (const [name, spec] of Object.entries(project.manifest.policies)) policies.push(await planPolicy(client, name, spec));
  return [...prompts, ...policies, ...(await planCapsule(client, project))];
}
