import { Router } from 'express';
import { z } from 'zod';
import { PROVIDER_IDS } from '../../core/providers/provider-registry.ts';
import type { ModelSpec } from '../../core/routing/model-spec.ts';
import type { ModelRegistryCache } from '../../stores/model-registry-cache.ts';
import type { ModelRegistryStore, RegisteredModel } from '../../stores/model-registry.ts';
import { ApiError, notFound } from '../api-error.ts';
import { requireAdmin } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';
import { pgInt } from '../../platform/db/pg-int.ts';
import type { ModelJson } from '../schemas/models.ts';
import type { InstalledModel, InstalledModels } from '../../core/local-models/installed-models.ts';

export const MODEL_ID = /^[A-Za-z0-9._:/-]{1,200}$/;

/** The API speaks snake_case like the rest of our JSON; the catalogue file is camelCase. */
export const ModelBodySchema = z
  .object({
    provider: z.enum(PROVIDER_IDS),
    provider_model: z.string().min(1).max(200),
    context_window: pgInt(),
    max_output_tokens: pgInt(),
    capabilities: z
      .object({ tools: z.boolean(), vision: z.boolean(), json_mode: z.boolean(), streaming: z.boolean() })
      .strict(),
    pricing: z.object({ input_per_mtok: z.number().min(0), output_per_mtok: z.number().min(0) }).strict(),
    tier: z.number().int().min(1).max(4),
    quality: z.number().min(0).max(1),
    typical_latency_ms: pgInt(),
    enabled: z.boolean().default(true),
  })
  .strict();

export function modelJson(m: RegisteredModel): ModelJson {
  return {
    id: m.id,
    object: 'model',
    provider: m.provider,
    provider_model: m.providerModel,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    capabilities: { tools: m.capabilities.tools, vision: m.capabilities.vision, json_mode: m.capabilities.jsonMode, streaming: m.capabilities.streaming },
    pricing: { input_per_mtok: m.pricing.inputPerMTok, output_per_mtok: m.pricing.outputPerMTok },
    tier: m.tier,
    quality: m.quality,
    typical_latency_ms: m.typicalLatencyMs,
    enabled: m.enabled,
    source: m.source,
    updated_at: m.updatedAt.toISOString(),
    created: Math.floor(m.updatedAt.getTime() / 1000),
    owned_by: m.provider,
  };
}

function modelId(raw: unknown): string {
  const id = String(raw);
  if (!MODEL_ID.test(id)) throw new ApiError(400, 'invalid_request_error', 'invalid_model_id', `"${id}" is not a valid model id.`);
  return id;
}

/** Adds the installed file's facts to a local model served from this machine's state folder. */
function withLocalFile(json: ModelJson, installed: readonly InstalledModel[]): ModelJson {
  const file = json.provider === 'local' ? installed.find((m) => m.name === json.provider_model) : undefined;
  return file ? { ...json, local: { kind: file.kind, source: file.source, size_bytes: file.size_bytes, sha256: file.sha256 } } : json;
}

export function modelsRouter(deps: { store: ModelRegistryStore; cache: ModelRegistryCache; installed?: InstalledModels }): Router {
  const router = Router();
  const installedList = async () => (await deps.installed?.list()) ?? [];

  router.get('/v1/models', async (_req, res) => {
    const [models, installed] = await Promise.all([deps.cache.models(), installedList()]);
    res.json({ object: 'list', data: models.filter((m) => m.enabled).map((m) => withLocalFile(modelJson(m), installed)) });
  });

  // Ids with a slash (local/llama3.2) are sent URL-encoded: /v1/models/local%2Fllama3.2
  router.get('/v1/models/:modelId', async (req, res) => {
    const id = modelId(req.params.modelId);
    const model = await deps.cache.get(id);
    if (!model) throw notFound('model_not_found', `No model "${id}" in the registry.`);
    res.json(withLocalFile(modelJson(model), await installedList()));
  });

  router.put('/v1/admin/models/:modelId', requireAdmin, async (req, res) => {
    const id = modelId(req.params.modelId);
    const body = parseInput(ModelBodySchema, req.body);
    const spec: ModelSpec = {
      id,
      provider: body.provider,
      providerModel: body.provider_model,
      contextWindow: body.context_window,
      maxOutputTokens: body.max_output_tokens,
      capabilities: { tools: body.capabilities.tools, vision: body.capabilities.vision, jsonMode: body.capabilities.json_mode, streaming: body.capabilities.streaming },
      pricing: { inputPerMTok: body.pricing.input_per_mtok, outputPerMTok: body.pricing.output_per_mtok },
      tier: body.tier,
      quality: body.quality,
      typicalLatencyMs: body.typical_latency_ms,
      enabled: body.enabled,
    };
    const saved = await deps.store.put(spec);
    deps.cache.invalidate();
    res.json(modelJson(saved));
  });

  router.delete('/v1/admin/models/:modelId', requireAdmin, async (req, res) => {
    const id = modelId(req.params.modelId);
    const disabled = await deps.store.disable(id);
    if (!disabled) throw notFound('model_not_found', `No model "${id}" in the registry.`);
    deps.cache.invalidate();
    res.json(modelJson(disabled));
  });

  return router;
}
