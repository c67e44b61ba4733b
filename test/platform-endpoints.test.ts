import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

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
