import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { OPENAI_COMPATIBLE_PATHS } from '../api/routes/openai-compatible/openai-errors.ts';
import { ANTHROPIC_COMPATIBLE_PATHS } from '../api/routes/anthropic-compatible/anthropic-errors.ts';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => p?.close());

describe('health, metrics and the OpenAPI document', () => {
  it('answers /healthz and /readyz without a key', async () => {
    expect((await p.call('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await p.call('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual([
      { name: 'postgres', ok: true },
      { name: 'temporal', ok: true },
    ]);
  });

  it('exports request latency histograms by route template', async () => {
    const t = await p.newTenant();
    await p.call('/v1/runs/completion-x-nothing', { key: t.key });
    const metrics = await p.call('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.body).toMatch(/somaagent_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/runs\/:runId"[^}]*status="404"/);
    expect(metrics.body).not.toContain('completion-x-nothing');
    // The in-process worker's model-metrics sink reports on the same endpoint.
    expect(metrics.body).toContain('somaagent_model_metrics_dropped_total');
    expect(metrics.body).not.toContain(t.key);
  });

  it('documents exactly the routes the app serves', async () => {
    const doc = (await p.call('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const served = new Set(servedRoutes());
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
  });

  it('declares on every /v1 operation the errors the middleware gives, and a pattern for every path id', async () => {
    const doc = (await p.call('/openapi.json')).body;
    const errorRef = { $ref: '#/components/schemas/Error' };
    const gaps: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, op] of Object.entries<any>(ops)) {
        const wanted = ['400', '401', ...(path.includes('{') ? ['404'] : []), ...(path.startsWith('/v1/admin/') ? ['403'] : []), ...(['post', 'put', 'patch'].includes(method) ? ['413', '415'] : [])];
        for (const status of wanted) {
          // The OpenAI-compatible routes answer every error in OpenAI's shape instead of ours.
          const ref = OPENAI_COMPATIBLE_PATHS.includes(path) ? '#/components/schemas/OpenAIError' : errorRef.$ref;
          const schema = op.responses[status]?.content?.['application/json']?.schema;
          // Anthropic's error body is declared inline (no SDK type for another vendor's wire).
          const declared = ANTHROPIC_COMPATIBLE_PATHS.includes(path) ? schema?.properties?.type?.const === 'error' : schema?.$ref === ref;
          if (!declared) gaps.push(`${method.toUpperCase()} ${path}: ${status} with the error body`);
        }
        for (const param of op.parameters ?? []) {
          if (param.in === 'path' && param.schema.type === 'string' && !param.schema.pattern) gaps.push(`${method.toUpperCase()} ${path}: pattern of {${param.name}}`);
        }
      }
    }
    expect(gaps).toEqual([]);
  });

  it('refuses in the document what the server refuses across fields: one model choice, not stream with background', async () => {
    const doc = (await p.call('/openapi.json')).body;
    for (const name of ['CompletionRequest', 'TemplateCompletionRequest']) {
      expect(JSON.stringify(doc.components.schemas[name].not)).toContain('["model","models"]');
      expect(JSON.stringify(doc.components.schemas[name].not)).toContain('"stream"');
    }
    const both = await p.call('/v1/completions', { key: p.adminKey, body: { model: 'gpt-4o-mini', policy: 'default', messages: [{ role: 'user', content: 'hi' }] } });
    expect(both.status).toBe(400);
  });

  it('publishes the completion request schema the API validates with', async () => {
    const doc = (await p.call('/openapi.json')).body;
    const schema = doc.components.schemas.CompletionRequest;
    expect(schema.required).toEqual(['messages']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['model', 'models', 'routing', 'max_tokens']));
    expect(schema.additionalProperties).toBe(false);
  });
});

/** Every METHOD /path the Express app routes, read from the router itself. */
function servedRoutes(): string[] {
  // Rebuilt from the running app's router stack, so the check follows the code, not a list.
  const app = p.app;
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  return out;
}
