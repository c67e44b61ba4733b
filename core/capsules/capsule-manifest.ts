import { z } from 'zod';
import { exactlyOneContent, LabelSchema, TemplateNameSchema, versionFields } from '../prompts/template-definition.ts';
import { ModelPolicySpecSchema, POLICY_NAME } from '../policies/model-policy.ts';
import { NamedToolSpecSchema } from '../tools/tool-spec.ts';
import { AgentDefinitionSchema } from '../agents/agent-definition.ts';

/** Capsule names double as the name of the model policy an install creates. */
export const CAPSULE_NAME = POLICY_NAME;
/** Semantic versioning 2.0 (major.minor.patch, optional pre-release; no build metadata). */
export const SEMVER = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

const CapsulePromptSchema = z
  .object({
    name: TemplateNameSchema,
    ...versionFields,
    labels: z.array(LabelSchema).max(10).default([]).describe('Labels the install points at this version (e.g. production).'),
  })
  .strict()
  .refine(...exactlyOneContent);

const EvaluationCaseSchema = z
  .object({
    name: z.string().min(1).max(200),
    /** Variables for the capsule's first prompt template. */
    variables: z.record(z.string(), z.unknown()).optional(),
    messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(100_000) }).strict()).max(50).optional(),
    expect: z.object({ contains: z.array(z.string().min(1)).max(20).optional() }).strict().default({}),
  })
  .strict();

/** A header or query name that carries a credential: a capsule may only name a secret, through `auth`. */
const CREDENTIAL_NAME = /authorization|api[-_]?key|token|secret|password|passwd|session|cookie/i;

/**
 * A tool a capsule ships, installed into the tenant's registry. Capsules are shared between
 * tenants, so they never carry a credential: auth names a secret each installing tenant sets
 * itself, and headers or query parameters that look like credentials are refused.
 */
const CapsuleToolSchema = NamedToolSpecSchema.superRefine((tool, ctx) => {
  if (tool.kind !== 'http') return;
  for (const header of Object.keys(tool.http.headers ?? {})) {
    if (CREDENTIAL_NAME.test(header)) ctx.addIssue({ code: 'custom', path: ['http', 'headers', header], message: 'a capsule carries no credentials: use "auth" with a secret name' });
  }
  const query = tool.http.url.split('?')[1] ?? '';
  for (const pair of query.split('&')) {
    const [name = '', value = ''] = pair.split('=');
    if (CREDENTIAL_NAME.test(name) && value !== '' && !/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value)) {
      ctx.addIssue({ code: 'custom', path: ['http', 'url'], message: `a capsule carries no credentials: query parameter "${name}" has a literal value` });
    }
  }
});

/**
 * A capsule: a versioned, shareable bundle of an agent — its prompt templates, its model
 * policy, the tools it needs and an evaluation set.
 */
export const CapsuleManifestSchema = z
  .object({
    name: z
      .string()
      .regex(CAPSULE_NAME, 'lowercase letters, digits, "-" and "_", at most 63')
      // GET /v1/capsules/installed lists installs; a capsule of that name could never be read.
      .refine((n) => n !== 'installed', '"installed" is reserved'),
    version: z.string().regex(SEMVER, 'a semantic version such as 1.2.0 or 2.0.0-beta.1'),
    description: z.string().max(2000).default(''),
    prompts: z.array(CapsulePromptSchema).max(50).default([]),
    model_policy: ModelPolicySpecSchema,
    required_tools: z.array(z.string().regex(/^[a-z0-9_.-]{1,100}$/, 'a tool name')).max(50).default([]),
    // Optional without a default, so manifests published before tools existed keep their content hash.
    tools: z.array(CapsuleToolSchema).max(50).optional().describe("Tools the install writes into the tenant's registry (secrets by name only)."),
    // Optional without a default too: agents the install defines (or versions) in the tenant.
    agents: z.array(AgentDefinitionSchema).max(20).optional().describe('Agent definitions the install writes (a new version only when the definition changed).'),
    evaluation: z.object({ cases: z.array(EvaluationCaseSchema).max(500).default([]) }).strict().default({ cases: [] }),
  })
  .strict()
  .refine((m) => new Set(m.prompts.map((p) => p.name)).size === m.prompts.length, { message: 'prompt template names must be unique', path: ['prompts'] })
  .refine((m) => new Set((m.tools ?? []).map((t) => t.name)).size === (m.tools ?? []).length, { message: 'tool names must be unique', path: ['tools'] })
  .refine((m) => new Set((m.agents ?? []).map((a) => a.name)).size === (m.agents ?? []).length, { message: 'agent names must be unique', path: ['agents'] });

export type CapsuleManifest = z.infer<typeof CapsuleManifestSchema>;

/** Orders versions as text: zero-padded numbers; a release sorts after its pre-releases. */
export function versionSortKey(version: string): string {
  const match = SEMVER.exec(version);
  if (!match) throw new Error(`not a semantic version: ${version}`);
  const pad = (n: string) => n.padStart(6, '0');
  return `${pad(match[1]!)}.${pad(match[2]!)}.${pad(match[3]!)}${match[4] === undefined ? '~' : `-${match[4]}`}`;
}
