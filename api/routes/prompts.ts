import { Router, type Request } from 'express';
import { checkDefinition, LABEL_NAME, TEMPLATE_NAME, toDefinition, type VersionInput } from '../../core/prompts/template-definition.ts';
import { diffVersions } from '../../core/prompts/template-diff.ts';
import type { TemplateEngine } from '../../core/prompts/template-engine.ts';
import type { PromptRenderer, RenderedPrompt } from '../../core/prompts/prompt-renderer.ts';
import type { LabelEvent, LabelMove, PromptTemplate, PromptTemplateStore, PromptVersion } from '../../stores/prompt-templates.ts';
import { ApiError, notFound } from '../api-error.ts';
import { principalOf } from '../middleware/auth.ts';
import {
  CreateTemplateSchema,
  CreateVersionSchema,
  DeleteLabelQuerySchema,
  DiffQuerySchema,
  HistoryQuerySchema,
  ListQuerySchema,
  MoveLabelSchema,
  RenderRequestSchema,
  VersionListQuerySchema,
} from '../prompt-schemas.ts';
import { parseInput } from '../validation.ts';
import type { LabelEventJson, PromptLabelJson, PromptTemplateJson, PromptTemplateVersionJson } from '../schemas/prompts.ts';

export const templateJson = (t: PromptTemplate): PromptTemplateJson => ({
  id: t.id,
  object: 'prompt_template',
  name: t.name,
  description: t.description,
  latest_version: t.latestVersion,
  labels: t.labels,
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
});

export const versionJson = (v: PromptVersion, withContent = true): PromptTemplateVersionJson => ({
  object: 'prompt_template_version',
  template: v.name,
  version: v.version,
  content_hash: v.contentHash,
  type: v.content.type,
  ...(withContent && (v.content.type === 'text' ? { text: v.content.text } : { messages: v.content.messages })),
  ...(withContent && { variables: v.variables }),
  references: v.references,
  note: v.note,
  created_by: v.createdBy,
  created_at: v.createdAt.toISOString(),
});

const labelJson = (name: string, move: LabelMove): PromptLabelJson => ({
  object: 'prompt_label',
  template: name,
  label: move.label,
  version: move.toVersion,
  previous_version: move.fromVersion,
  moved: move.moved,
});

const eventJson = (e: LabelEvent): LabelEventJson => ({
  id: e.id,
  label: e.label,
  from_version: e.fromVersion,
  to_version: e.toVersion,
  actor: e.actor,
  reason: e.reason,
  created_at: e.createdAt.toISOString(),
});

export const renderedJson = (r: RenderedPrompt) => ({
  object: 'prompt_render' as const,
  template: r.reference.name,
  version: r.reference.version,
  label: r.reference.label,
  content_hash: r.reference.contentHash,
  type: r.type,
  ...(r.type === 'text' ? { text: r.text } : { messages: r.messages }),
});

export interface PromptRouteDeps {
  store: PromptTemplateStore;
  renderer: PromptRenderer;
  engine: TemplateEngine;
}

/** A template name from the path; an impossible one is simply not found. */
function templateName(req: Request): string {
  const name = String(req.params.name);
  if (!TEMPLATE_NAME.test(name)) throw notFound('template_not_found', `No prompt template "${name}".`);
  return name;
}

function labelParam(req: Request): string {
  const label = String(req.params.label);
  if (!LABEL_NAME.test(label)) throw new ApiError(400, 'invalid_request_error', 'invalid_label', `"${label}" is not a label name (lowercase letters, digits, ".", "_" and "-", starting with a letter).`);
  return label;
}

function versionParam(req: Request): number {
  const raw = String(req.params.version);
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw notFound('version_not_found', `No version "${raw}".`);
  return Number(raw);
}

export function promptsRouter(deps: PromptRouteDeps): Router {
  const { store, renderer, engine } = deps;
  const router = Router();
  const check = (name: string, input: VersionInput) => checkDefinition(engine, name, toDefinition(input));

  router.post('/v1/prompts', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const body = parseInput(CreateTemplateSchema, req.body);
    const definition = check(body.name, body);
    const created = await store.createTemplate({
      tenantId,
      name: body.name,
      description: body.description,
      labels: [...new Set(body.labels)],
      version: { ...definition, note: body.note, createdBy: keyId },
    });
    res.status(201).location(`/v1/prompts/${body.name}`).json({ ...templateJson(created.template), version: versionJson(created.version) });
  });

  router.get('/v1/prompts', async (req, res) => {
    const { tenantId } = principalOf(req);
    const query = parseInput(ListQuerySchema, req.query, 'query string');
    const templates = await store.listTemplates(tenantId, query);
    res.json({ object: 'list', data: templates.map(templateJson), has_more: templates.length === query.limit });
  });

  router.get('/v1/prompts/:name', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = templateName(req);
    const template = await store.getTemplate(tenantId, name);
    if (!template) throw notFound('template_not_found', `No prompt template "${name}".`);
    const latest = await store.getVersion(tenantId, name, { version: template.latestVersion });
    res.json({ ...templateJson(template), latest: versionJson(latest) });
  });

  router.post('/v1/prompts/:name/versions', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const name = templateName(req);
    const body = parseInput(CreateVersionSchema, req.body);
    const definition = check(name, body);
    const { version, created } = await store.addVersion(tenantId, name, { ...definition, note: body.note, createdBy: keyId });
    const labels: LabelMove[] = [];
    for (const label of new Set(body.labels)) {
      labels.push(await store.moveLabel({ tenantId, name, label, version: version.version, actor: keyId, reason: `moved with version ${version.version}` }));
    }
    // A new version can change what the default (latest) resolves to, as can the moves.
    if (created || labels.length > 0) renderer.forget(tenantId, name);
    res
      .status(created ? 201 : 200)
      .location(`/v1/prompts/${name}/versions/${version.version}`)
      .json({ ...versionJson(version), created, labels: labels.map((m) => labelJson(name, m)) });
  });

  router.get('/v1/prompts/:name/versions', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = templateName(req);
    const query = parseInput(VersionListQuerySchema, req.query, 'query string');
    if (!(await store.getTemplate(tenantId, name))) throw notFound('template_not_found', `No prompt template "${name}".`);
    const versions = await store.listVersions(tenantId, name, query);
    res.json({ object: 'list', data: versions.map((v) => versionJson(v, false)), has_more: versions.length === query.limit });
  });

  router.get('/v1/prompts/:name/versions/:version', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = templateName(req);
    const version = versionParam(req);
    res.json(versionJson(await store.getVersion(tenantId, name, { version })));
  });

  router.get('/v1/prompts/:name/diff', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = templateName(req);
    const query = parseInput(DiffQuerySchema, req.query, 'query string');
    const [from, to] = await Promise.all([store.getVersion(tenantId, name, { version: query.from }), store.getVersion(tenantId, name, { version: query.to })]);
    const diff = diffVersions(from, to);
    res.json({
      object: 'prompt_template_diff',
      template: name,
      from: diff.from,
      to: diff.to,
      identical: diff.identical,
      lines_added: diff.linesAdded,
      lines_removed: diff.linesRemoved,
      template_diff: diff.template,
      variables_diff: diff.variables,
    });
  });

  router.put('/v1/prompts/:name/labels/:label', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const name = templateName(req);
    const label = labelParam(req);
    const body = parseInput(MoveLabelSchema, req.body);
    const move = await store.moveLabel({ tenantId, name, label, version: body.version, expectedVersion: body.expected_version, actor: keyId, reason: body.reason });
    renderer.forget(tenantId, name);
    res.json(labelJson(name, move));
  });

  router.delete('/v1/prompts/:name/labels/:label', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const name = templateName(req);
    const label = labelParam(req);
    const query = parseInput(DeleteLabelQuerySchema, req.query, 'query string');
    const move = await store.deleteLabel({ tenantId, name, label, actor: keyId, reason: query.reason });
    renderer.forget(tenantId, name);
    res.json(labelJson(name, move));
  });

  router.get('/v1/prompts/:name/label-history', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = templateName(req);
    const query = parseInput(HistoryQuerySchema, req.query, 'query string');
    if (!(await store.getTemplate(tenantId, name))) throw notFound('template_not_found', `No prompt template "${name}".`);
    res.json({ object: 'list', data: (await store.labelHistory(tenantId, name, query)).map(eventJson) });
  });

  router.post('/v1/prompts/:name/render', async (req, res) => {
    const { tenantId } = principalOf(req);
    const name = templateName(req);
    const body = parseInput(RenderRequestSchema, req.body ?? {});
    const rendered = await renderer.render(tenantId, name, { version: body.version, label: body.label }, body.variables);
    res.json(renderedJson(rendered));
  });

  return router;
}
