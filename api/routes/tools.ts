import { Router } from 'express';
import { z } from 'zod';
import { inputSchemaProblems } from '../../core/tools/tool-input-schema.ts';
import { BuiltinToolSpecSchema, HttpToolSpecSchema, TOOL_NAME, ToolLabelSchema, ToolNameSchema } from '../../core/tools/tool-spec.ts';
import type { ToolStore, ToolVersion } from '../../stores/tools.ts';
import { ApiError, notFound } from '../api-error.ts';
import { principalOf, requireAdmin } from '../middleware/auth.ts';
import { parseInput } from '../validation.ts';
import type { ToolJson } from '../schemas/tools.ts';

const labels = z.array(ToolLabelSchema).max(10).optional().describe('Labels to point at this version (moved from older versions).');

/** A tool version as written: the spec plus its name and labels to set. */
export const ToolBodySchema = z.discriminatedUnion('kind', [
  HttpToolSpecSchema.extend({ name: ToolNameSchema, labels }),
  BuiltinToolSpecSchema.extend({ name: ToolNameSchema, labels }),
]);

const SelectorSchema = z
  .object({
    version: z.string().regex(/^[1-9][0-9]{0,8}$/, 'a version number').transform(Number).optional(),
    label: ToolLabelSchema.optional(),
  })
  .strict()
  .refine((q) => q.version === undefined || q.label === undefined, 'name a version or a label, not both');

export function toolJson(t: ToolVersion): ToolJson {
  return { object: 'tool', name: t.name, version: t.version, labels: t.labels, source: t.source, created_at: t.createdAt.toISOString(), ...t.spec };
}

export function toolName(raw: unknown): string {
  const name = String(raw);
  if (!TOOL_NAME.test(name)) throw new ApiError(400, 'invalid_request_error', 'invalid_tool_name', `"${name}" is not a valid tool name: 1-64 letters, digits, "_" or "-".`);
  return name;
}

const noTool = (name: string) => notFound('tool_not_found', `No tool "${name}".`);

export function toolsRouter(deps: { tools: ToolStore }): Router {
  const router = Router();

  router.get('/v1/tools', async (req, res) => {
    const tools = await deps.tools.list(principalOf(req).tenantId);
    res.json({ object: 'list', data: tools.map(toolJson) });
  });

  // Writing tools is an admin's: a tool decides where the platform sends requests and with which secret.
  router.post('/v1/tools', requireAdmin, async (req, res) => {
    const schemaProblems = req.body && typeof req.body === 'object' && req.body.input_schema && typeof req.body.input_schema === 'object' && req.body.input_schema.type === 'object'
      ? inputSchemaProblems(req.body.input_schema as Record<string, unknown>).map((p) => ({ path: `input_schema${p.path.replaceAll('/', '.')}`, code: 'invalid_json_schema', message: p.message }))
      : [];
    const { name, labels: toLabel, ...spec } = parseInput(ToolBodySchema, req.body, undefined, schemaProblems);
    const tool = await deps.tools.create(principalOf(req).tenantId, name, spec, { ...(toLabel && { labels: toLabel }) });
    res.status(tool.created ? 201 : 200).json(toolJson(tool));
  });

  router.get('/v1/tools/:name', async (req, res) => {
    const name = toolName(req.params.name);
    const selector = parseInput(SelectorSchema, req.query, 'query');
    const tool = await deps.tools.get(principalOf(req).tenantId, name, selector);
    if (!tool) throw noTool(name);
    res.json(toolJson(tool));
  });

  router.get('/v1/tools/:name/versions', async (req, res) => {
    const name = toolName(req.params.name);
    const versions = await deps.tools.versions(principalOf(req).tenantId, name);
    if (versions.length === 0) throw noTool(name);
    res.json({ object: 'list', data: versions.map(toolJson) });
  });

  router.delete('/v1/tools/:name', requireAdmin, async (req, res) => {
    const name = toolName(req.params.name);
    if (!(await deps.tools.delete(principalOf(req).tenantId, name))) throw noTool(name);
    res.json({ object: 'tool', name, deleted: true });
  });

  return router;
}
