import { Router } from 'express';
import { z } from 'zod';
import type { ProviderId } from '../../core/providers/provider.ts';
import { ModelPolicyFields, oneModelChoice, POLICY_NAME } from '../../core/policies/model-policy.ts';
import type { ModelPolicy, ModelPolicyStore } from '../../stores/model-policies.ts';
import type { ModelRegistryCache } from '../../stores/model-registry-cache.ts';
import { ApiError, notFound } from '../api-error.ts';
import { principalOf } from '../middleware/auth.ts';
import { checkModelIds } from '../../core/routing/model-resolution.ts';
import { parseInput } from '../validation.ts';
import type { PolicyJson } from '../schemas/policies.ts';

/** The policy itself plus whether it is the tenant's default. */
export const PolicyBodySchema = ModelPolicyFields.extend({
  default: z.boolean().optional().describe("Make this the tenant's default: used by completions that name no model."),
})
  .strict()
  .refine(...oneModelChoice);

export function policyJson(p: ModelPolicy): PolicyJson {
  return { object: 'policy', name: p.name, ...p.spec, default: p.isDefault, updated_at: p.updatedAt.toISOString() };
}

export function policyName(raw: unknown): string {
  const name = String(raw);
  if (!POLICY_NAME.test(name)) {
    throw new ApiError(400, 'invalid_request_error', 'invalid_policy_name', `"${name}" is not a valid policy name: lowercase letters, digits, "-" and "_", at most 63.`);
  }
  return name;
}

export interface PolicyRouteDeps {
  store: ModelPolicyStore;
  models: ModelRegistryCache;
  availableProviders: ReadonlySet<ProviderId>;
}

export function policiesRouter(deps: PolicyRouteDeps): Router {
  const router = Router();

  router.get('/v1/policies', async (req, res) => {
    const policies = await deps.store.list(principalOf(req).tenantId);
    res.json({ object: 'list', data: policies.map(policyJson) });
  });

  router.get('/v1/policies/:name', async (req, res) => {
    const name = policyName(req.params.name);
    const policy = await deps.store.get(principalOf(req).tenantId, name);
    if (!policy) throw notFound('policy_not_found', `No policy "${name}".`);
    res.json(policyJson(policy));
  });

  router.put('/v1/policies/:name', async (req, res) => {
    const name = policyName(req.params.name);
    const { default: isDefault, ...spec } = parseInput(PolicyBodySchema, req.body);
    // A policy naming a model nobody can call would only fail later, on every request.
    checkModelIds(spec.models ?? [spec.model!], await deps.models.models(), deps.availableProviders);
    const policy = await deps.store.put(principalOf(req).tenantId, name, spec, isDefault ?? false);
    res.json(policyJson(policy));
  });

  router.delete('/v1/policies/:name', async (req, res) => {
    const name = policyName(req.params.name);
    if (!(await deps.store.delete(principalOf(req).tenantId, name))) throw notFound('policy_not_found', `No policy "${name}".`);
    res.json({ object: 'policy', name, deleted: true });
  });

  return router;
}
