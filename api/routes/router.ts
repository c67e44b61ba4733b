import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { parseOutcomeLines, type OutcomeRecord } from '../../core/routing/outcome-record.ts';
import { parseArtefact, ROUTER_VERSION } from '../../core/routing/router-artefact.ts';
import type { OutcomeImport, OutcomeStore } from '../../stores/outcomes.ts';
import type { RouterVersion, RouterVersionStore } from '../../stores/router-versions.ts';
import { ApiError, notFound } from '../api-error.ts';
import { principalOf } from '../middleware/auth.ts';
import { requireApprover } from '../middleware/key-roles.ts';
import { parseInput } from '../validation.ts';
import type { OutcomeImportJson, RouterVersionJson } from '../schemas/router.ts';

export const ImportOutcomesBodySchema = z
  .object({
    name: z.string().min(1).max(200).optional().describe('A name for this import (e.g. the file name).'),
    source: z.string().regex(/^[\w.-]{1,80}$/).optional().describe('The data set the lines come from, for lines that do not say (default "import").'),
    jsonl: z.string().min(1).describe('The outcome file: one JSON object per line, wide (per prompt) or long (per prompt and model). See docs/concepts/routing-learned.'),
  })
  .strict();

export const RegisterRouterVersionBodySchema = z
  .object({
    version: z.string().regex(ROUTER_VERSION).describe('A version `npm run router:train` wrote under the server\'s SOMA_STATE_DIR/routers/.'),
  })
  .strict();

export const ROUTER_VERSION_PARAM = ROUTER_VERSION;

function importJson(i: OutcomeImport): OutcomeImportJson {
  return { object: 'outcome_import', id: i.id, name: i.name, lines: i.lines, prompts: i.prompts, outcome_rows: i.outcomeRows, created_at: i.createdAt.toISOString() };
}

export function routerVersionJson(v: RouterVersion): RouterVersionJson {
  return {
    object: 'router_version',
    version: v.version,
    kind: v.kind,
    status: v.status,
    metrics: v.metrics,
    trained_on: v.trainedOn,
    promoted_by: v.promotedBy,
    promoted_at: v.promotedAt?.toISOString() ?? null,
    created_at: v.createdAt.toISOString(),
  };
}

function versionParam(raw: unknown): string {
  const version = String(raw);
  if (!ROUTER_VERSION.test(version)) throw notFound('router_version_not_found', `No router version "${version}".`);
  return version;
}

export interface RouterRouteDeps {
  outcomes: OutcomeStore;
  versions: RouterVersionStore;
  /** Trained artefacts are read from `<stateDir>/routers/<version>/router.json` only. */
  stateDir: string;
}

export function routerRouter(deps: RouterRouteDeps): Router {
  const router = Router();

  // A whole outcome file: every line is checked first; one bad line and nothing is imported.
  router.post('/v1/router/outcomes/imports', async (req, res) => {
    const body = parseInput(ImportOutcomesBodySchema, req.body);
    const parsed = parseOutcomeLines(body.jsonl, body.source ? { source: body.source } : {});
    if (parsed.errors.length) {
      const first = parsed.errors[0]!;
      throw new ApiError(400, 'invalid_request_error', 'invalid_outcomes', `The outcome file has ${parsed.errors.length}${parsed.errors.length >= 50 ? '+' : ''} invalid line(s); nothing was imported (first: line ${first.line}: ${first.message}).`, parsed.errors);
    }
    const { tenantId, keyId } = principalOf(req);
    const created = await deps.outcomes.importRecords(tenantId, keyId, body.name ?? 'outcomes.jsonl', parsed.lines, parsed.records as OutcomeRecord[]);
    res.status(201).json(importJson(created));
  });

  router.get('/v1/router/outcomes', async (req, res) => {
    const { tenantId } = principalOf(req);
    const [summary, imports] = await Promise.all([deps.outcomes.summary(tenantId), deps.outcomes.imports(tenantId)]);
    res.json({ object: 'outcome_summary', prompts: summary.prompts, outcome_rows: summary.outcomeRows, by_source: summary.bySource, models: summary.models, imports: imports.map(importJson) });
  });

  router.get('/v1/router/versions', async (req, res) => {
    const versions = await deps.versions.list(principalOf(req).tenantId);
    res.json({ object: 'list', data: versions.map(routerVersionJson) });
  });

  // Registers an artefact `npm run router:train` wrote on the server's disk: the request names a
  // version, never a path, so no request reads a file outside the routers folder.
  router.post('/v1/router/versions', async (req, res) => {
    const { version } = parseInput(RegisterRouterVersionBodySchema, req.body);
    const folder = resolve(deps.stateDir, 'routers');
    const file = join(folder, version, 'router.json');
    if (!file.startsWith(folder) || !existsSync(file)) {
      throw notFound('router_artefact_not_found', `No trained router "${version}" on the server: run \`npm run router:train -- --version=${version}\` where the platform runs (it writes ${join('SOMA_STATE_DIR', 'routers', version, 'router.json')}).`);
    }
    let artefact;
    try {
      artefact = parseArtefact(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ApiError(400, 'invalid_request_error', 'invalid_router_artefact', `The artefact of "${version}" is not a router this server reads: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`);
    }
    if (artefact.version !== version) throw new ApiError(400, 'invalid_request_error', 'invalid_router_artefact', `The artefact in "${version}" says it is version "${artefact.version}".`);
    const registered = await deps.versions.register({
      tenantId: principalOf(req).tenantId,
      version,
      kind: artefact.model.kind,
      artefactPath: file,
      metrics: { ...artefact.metrics, threshold: artefact.threshold },
      trainedOn: artefact.trained_on,
    });
    res.status(201).json(routerVersionJson(registered));
  });

  // Promotion is an approval: the approver is the calling key, which must have the approver or admin role.
  router.post('/v1/router/versions/:version/promote', async (req, res) => {
    const approver = requireApprover(req);
    const version = versionParam(req.params.version);
    const promoted = await deps.versions.promote(principalOf(req).tenantId, version, approver.keyId);
    if (!promoted) throw notFound('router_version_not_found', `No router version "${version}". GET /v1/router/versions lists them.`);
    res.json(routerVersionJson(promoted));
  });

  return router;
}
