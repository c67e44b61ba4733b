import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { mkdirSync, writeFileSync } from 'node:fs';
import { MODEL_NAME, parseOutcomeLines, type OutcomeRecord } from '../../core/routing/outcome-record.ts';
import { outcomeCostUsd } from '../../core/routing/outcome-cost.ts';
import { parseArtefact, ROUTER_VERSION } from '../../core/routing/router-artefact.ts';
import { buildRouter } from '../../core/routing/router-build.ts';
import type { StoredOutcome } from '../../stores/outcomes.ts';
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
    prices: z
      .record(z.string().regex(MODEL_NAME), z.object({ input_usd_per_mtok: z.number().min(0).max(10_000), output_usd_per_mtok: z.number().min(0).max(10_000) }).strict())
      .optional()
      .describe('USD per million tokens per model, to price outcomes that record tokens or lengths but no cost_usd.'),
  })
  .strict();

export const TrainRouterBodySchema = z
  .object({
    version: z.string().regex(ROUTER_VERSION).optional().describe('Default: <kind>-<yyyymmddhhmm>-s<seed>.'),
    seed: z.number().int().min(0).max(2 ** 31).optional(),
    target_quality_ratio: z.number().gt(0).max(1).optional().describe('Derive the threshold for this share of the strong model\'s quality (default 0.95).'),
    cost_budget: z.number().gt(0).max(1).optional().describe('Or: for at most this share of always-strong\'s cost.'),
  })
  .strict()
  .refine((b) => b.target_quality_ratio === undefined || b.cost_budget === undefined, { message: 'Send target_quality_ratio or cost_budget, not both.', path: ['cost_budget'] });

/** Stored outcomes with a prompt and a cost, as records (one per prompt) a router trains on. */
function trainingRecords(rows: readonly StoredOutcome[]): OutcomeRecord[] {
  const byPrompt = new Map<string, OutcomeRecord>();
  for (const r of rows) {
    if (r.prompt === null || r.costUsd === null) continue;
    const record = byPrompt.get(r.promptId) ?? { id: r.promptId, prompt: r.prompt, source: r.dataset, family: r.family, category: r.category, outcomes: {} };
    record.outcomes[r.model] = { score: r.score, cost_usd: r.costUsd };
    byPrompt.set(r.promptId, record);
  }
  return [...byPrompt.values()];
}

/** Most outcome rows one training request reads (the training runs in the API process). */
const MAX_TRAINING_ROWS = 200_000;

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
  /** Called after a promotion, so this process routes with the new version at once. */
  onPromote?: (tenantId: string) => void;
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
    // Outcomes with tokens or lengths but no measured cost are priced now, with the prices sent.
    const prices = new Map(Object.entries(body.prices ?? {}).map(([m, p]) => [m, { input: p.input_usd_per_mtok, output: p.output_usd_per_mtok }]));
    const records = parsed.records.map((r) => ({
      ...r,
      outcomes: Object.fromEntries(Object.entries(r.outcomes).map(([m, o]) => [m, o.cost_usd === undefined && prices.has(m) ? { ...o, cost_usd: outcomeCostUsd(r.prompt, m, o, prices) } : o])),
    }));
    const created = await deps.outcomes.importRecords(tenantId, keyId, body.name ?? 'outcomes.jsonl', parsed.lines, records);
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
    // A router trained through the API on one tenant's outcomes is derived from them: no other tenant may use it.
    const owner = artefact.trained_on.tenant;
    if (owner !== undefined && owner !== principalOf(req).tenantId) throw notFound('router_artefact_not_found', `No trained router "${version}" on the server.`);
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

  // Trains a logistic router on the tenant's stored outcomes (those with a prompt and a cost),
  // writes its artefact on the server and registers it as a candidate.
  router.post('/v1/router/train', async (req, res) => {
    const body = parseInput(TrainRouterBodySchema, req.body ?? {});
    const { tenantId } = principalOf(req);
    const seed = body.seed ?? 1;
    const version = body.version ?? `logistic-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '')}-s${seed}`;
    const folder = join(resolve(deps.stateDir, 'routers'), version);
    const file = join(folder, 'router.json');
    // Versions are names on the server's disk: never overwrite one (another tenant's, or an operator's).
    if (existsSync(file)) throw new ApiError(409, 'conflict_error', 'router_version_exists', `A router "${version}" already exists on the server; choose another version.`);
    const rows = await deps.outcomes.list(tenantId, { limit: MAX_TRAINING_ROWS });
    const records = trainingRecords(rows);
    let built;
    try {
      built = await buildRouter(records, new Map(), {
        kind: 'logistic',
        seed,
        version,
        target: body.cost_budget !== undefined ? { costShare: body.cost_budget } : { qualityRatio: body.target_quality_ratio ?? 0.95 },
        trainedOn: { tenant: tenantId, outcome_rows: rows.length, prompts: records.length },
      });
    } catch (err) {
      throw new ApiError(400, 'invalid_request_error', 'not_enough_outcomes', `Cannot train on this tenant's outcomes: ${err instanceof Error ? err.message : String(err)}. Import outcomes with a prompt, at least two models per prompt and their costs (POST /v1/router/outcomes/imports).`);
    }
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeFileSync(file, built.json, { mode: 0o600 });
    const registered = await deps.versions.register({ tenantId, version, kind: 'logistic', artefactPath: file, metrics: { ...built.header.metrics, threshold: built.header.threshold }, trainedOn: built.header.trained_on });
    res.status(201).json(routerVersionJson(registered));
  });

  // Promotion is an approval: the approver is the calling key, which must have the approver or admin role.
  router.post('/v1/router/versions/:version/promote', async (req, res) => {
    const approver = requireApprover(req);
    const version = versionParam(req.params.version);
    const promoted = await deps.versions.promote(principalOf(req).tenantId, version, approver.keyId);
    if (!promoted) throw notFound('router_version_not_found', `No router version "${version}". GET /v1/router/versions lists them.`);
    deps.onPromote?.(principalOf(req).tenantId);
    res.json(routerVersionJson(promoted));
  });

  return router;
}
