import { Router } from 'express';
import { z } from 'zod';
import { canonicalJson } from '../../core/prompts/template-definition.ts';
import { CAPSULE_NAME, CapsuleManifestSchema, SEMVER, versionSortKey } from '../../core/capsules/capsule-manifest.ts';
import { createHash } from 'node:crypto';
import type { CapsuleInstall, CapsuleSummary, CapsuleVersion } from '../../stores/capsules.ts';
import { ApiError, notFound } from '../api-error.ts';
import { checkToolSchemas, installCapsule, type CapsuleInstallDeps } from '../../core/capsules/capsule-install.ts';
import { checkCapsuleAgents } from '../../core/agents/capsule-agents.ts';
import { principalOf } from '../middleware/auth.ts';
import { checkDefinition, toDefinition } from '../../core/prompts/template-definition.ts';
import { parseInput } from '../validation.ts';
import type { CapsuleInstallJson, CapsuleJson, CapsuleVersionJson } from '../schemas/capsules.ts';

export const InstallBodySchema = z
  .object({ version: z.string().regex(SEMVER, 'a semantic version').optional().describe('Default: the newest version.') })
  .strict();

function capsuleName(raw: unknown): string {
  const name = String(raw);
  if (!CAPSULE_NAME.test(name)) throw new ApiError(400, 'invalid_request_error', 'invalid_capsule_name', `"${name}" is not a valid capsule name.`);
  return name;
}

const summaryJson = (c: CapsuleSummary): CapsuleJson => ({
  object: 'capsule',
  name: c.name,
  description: c.description,
  latest_version: c.latestVersion,
  versions: c.versions,
  publisher_tenant_id: c.publisherTenantId,
});

const versionJson = (v: CapsuleVersion): CapsuleVersionJson => ({
  object: 'capsule_version',
  ...v.manifest,
  content_hash: v.contentHash,
  publisher_tenant_id: v.publisherTenantId,
  created_at: v.createdAt.toISOString(),
});

const installJson = (i: CapsuleInstall): CapsuleInstallJson => ({ object: 'capsule_install', name: i.name, version: i.version, installed_at: i.installedAt.toISOString() });

/**
 * The capsule registry: any tenant may publish (the first publisher of a name owns it;
 * versions are immutable), list and read capsules, and install one into itself.
 */
export function capsulesRouter(deps: CapsuleInstallDeps): Router {
  const router = Router();

  router.post('/v1/capsules', async (req, res) => {
    const { tenantId } = principalOf(req);
    const manifest = parseInput(CapsuleManifestSchema, req.body);
    // A capsule with a broken template is refused at publish, not at someone's install.
    for (const p of manifest.prompts) checkDefinition(deps.engine, p.name, toDefinition(p));
    checkToolSchemas(manifest.tools ?? []);
    checkCapsuleAgents(manifest.agents ?? []);
    const hash = createHash('sha256').update(canonicalJson(manifest)).digest('hex');
    const { outcome, version } = await deps.capsules.publish(tenantId, manifest, hash, versionSortKey(manifest.version));
    switch (outcome) {
      case 'name_taken':
        throw new ApiError(403, 'permission_error', 'capsule_name_taken', `The capsule name "${manifest.name}" belongs to another tenant.`);
      case 'version_exists':
        throw new ApiError(409, 'conflict_error', 'capsule_version_exists', `${manifest.name}@${manifest.version} is already published with other content; versions are immutable, publish a new version.`);
      case 'unchanged':
        res.status(200).json(versionJson(version!));
        return;
      case 'created':
        res.status(201).location(`/v1/capsules/${manifest.name}/versions/${manifest.version}`).json(versionJson(version!));
    }
  });

  router.get('/v1/capsules', async (_req, res) => {
    res.json({ object: 'list', data: (await deps.capsules.list()).map(summaryJson) });
  });

  // Before /v1/capsules/:name, which would otherwise take "installed" for a name.
  router.get('/v1/capsules/installed', async (req, res) => {
    res.json({ object: 'list', data: (await deps.capsules.listInstalls(principalOf(req).tenantId)).map(installJson) });
  });

  router.get('/v1/capsules/:name', async (req, res) => {
    const name = capsuleName(req.params.name);
    const capsule = await deps.capsules.get(name);
    if (!capsule) throw notFound('capsule_not_found', `No capsule "${name}".`);
    res.json(summaryJson(capsule));
  });

  router.get('/v1/capsules/:name/versions/:version', async (req, res) => {
    const name = capsuleName(req.params.name);
    const version = await deps.capsules.getVersion(name, String(req.params.version));
    if (!version) throw notFound('capsule_not_found', `No capsule ${name}@${String(req.params.version)}.`);
    res.json(versionJson(version));
  });

  router.post('/v1/capsules/:name/install', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const name = capsuleName(req.params.name);
    const body = parseInput(InstallBodySchema, req.body ?? {});
    const capsule = await deps.capsules.getVersion(name, body.version);
    if (!capsule) throw notFound('capsule_not_found', body.version ? `No capsule ${name}@${body.version}.` : `No capsule "${name}".`);
    // Tools decide where the platform sends requests: writing them is an admin's, through a capsule too.
    if ((capsule.manifest.tools ?? []).length > 0 && !principalOf(req).isAdmin) {
      throw new ApiError(403, 'permission_error', 'admin_required', `${name}@${capsule.version} installs tools, which needs an admin API key.`);
    }
    const installed = await installCapsule(deps, tenantId, keyId, capsule);
    const answer: CapsuleInstallJson = {
      ...installJson(installed.install),
      prompts: installed.prompts,
      policy: installed.policy,
      tools: installed.tools,
      required_tools: capsule.manifest.required_tools,
    };
    res.json(answer);
  });

  return router;
}
