import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../platform/config.ts';
import { createEncryptedPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../platform/temporal/payload-codec/encrypted-payload-codec.ts';
import { ensurePayloadKeyFile, readPayloadKeyFile } from '../platform/temporal/payload-codec/payload-key-file.ts';
import { generatePayloadKeyEntry, parsePayloadKeys } from '../platform/temporal/payload-codec/payload-key-ring.ts';
import { payloadKeysFromEnv } from '../platform/temporal/payload-codec/payload-keys-from-env.ts';
import { TEST_PAYLOAD_KEYS } from './support/payload-keys.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

type Payload = proto.temporal.api.common.v1.IPayload;
const { History } = proto.temporal.api.history.v1;

let p: TestPlatform;
let t: { tenantId: string; key: string };
/** Reads Temporal as anyone who reaches its frontend (or the Web UI's API) does: no codec. */
let raw: Client;

beforeAll(async () => {
  // One attempt per model: a provider failure is an activity failure in the history at once.
  p = await startTestPlatform({ env: { PROVIDER_MAX_ATTEMPTS: '1' } });
  t = await p.newTenant('encrypted');
  raw = new Client({ connection: p.client.connection, namespace: p.env.TEMPORAL_NAMESPACE });
});
afterAll(async () => p?.close());

const base64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * What `text` looks like in base64 wherever it sits in a byte stream: at some shift s (0-2) one
 * of its bytes starts a 3-byte group, and the complete groups from there encode verbatim.
 */
function base64Forms(text: string): string[] {
  return [0, 1, 2].map((s) => {
    const tail = text.slice(s);
    return base64(tail.slice(0, tail.length - (tail.length % 3)));
  });
}

/** Every payload of a history: workflow input and result, activity inputs and results. */
function payloadsOf(history: proto.temporal.api.history.v1.IHistory): Payload[] {
  const out: Payload[] = [];
  for (const event of history.events ?? []) {
    out.push(
      ...(event.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
      ...(event.workflowExecutionCompletedEventAttributes?.result?.payloads ?? []),
      ...(event.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
      ...(event.activityTaskCompletedEventAttributes?.result?.payloads ?? []),
    );
  }
  return out;
}

const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

async function completionWith(marker: string): Promise<string> {
  const done = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `secret prompt ${marker}` }] } });
  expect(done.status).toBe(200);
  return done.body.id as string;
}

describe('payload encryption', () => {
  it('keeps prompts out of the history Temporal stores; the API still reads the run', async () => {
    const marker = `marker-${Date.now()}-zq7`;
    const runId = await completionWith(marker);
    const history = await raw.workflow.getHandle(runId).fetchHistory();

    const bytes = Buffer.from(History.encode(history).finish());
    expect(bytes.includes(marker)).toBe(false);
    const json = JSON.stringify(History.toObject(History.fromObject(history), { bytes: String }));
    expect(json).not.toContain(marker);
    for (const form of base64Forms(marker)) expect(json).not.toContain(form);

    const payloads = payloadsOf(history);
    expect(payloads.length).toBeGreaterThanOrEqual(3);
    for (const payload of payloads) {
      expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(payload.metadata![KEY_ID_METADATA]!).toString()).toBe('test-current');
    }

    // The API's own client decodes: the run, its events (without inputs) and its answer.
    const run = await p.call(`/v1/runs/${runId}`, { key: t.key });
    expect(run.body.status).toBe('completed');
    expect(run.body.result).toMatchObject({ object: 'completion', text: expect.any(String), simulated: true });
    const events = await p.call(`/v1/runs/${runId}/events`, { key: t.key });
    expect(events.body.data.filter((e: { type: string }) => e.type === 'activity_task_scheduled').map((e: { summary: string }) => e.summary)).toEqual(['callModel: gpt-4o-mini']);
    expect(JSON.stringify(events.body)).not.toContain(marker);
  });

  it('keeps failure messages and stack traces (server paths) out of histories; run events still show the message', async () => {
    p.emulator.injectFault({ status: 500, count: 1, model: 'gpt-4o-mini' });
    const done = await p.call('/v1/completions', { key: t.key, body: { models: ['gpt-4o-mini', 'claude-haiku-4-5'], messages: [{ role: 'user', content: 'fail once' }] } });
    expect(done.status).toBe(200);
    const history = await raw.workflow.getHandle(done.body.id).fetchHistory();
    const failures = (history.events ?? []).flatMap((e) => (e.activityTaskFailedEventAttributes?.failure ? [e.activityTaskFailedEventAttributes.failure] : []));
    expect(failures.length).toBe(1);
    expect(failures[0]!.message).toBe('Encoded failure');
    expect(failures[0]!.stackTrace).toBe('');
    expect(Buffer.from(failures[0]!.encodedAttributes!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(History.encode(history).finish()).toString('latin1')).not.toMatch(/\.ts:\d+|node_modules/);

    const events = await p.call(`/v1/runs/${done.body.id}/events`, { key: t.key });
    const failed = events.body.data.find((e: { type: string }) => e.type === 'activity_task_failed');
    expect(failed.details.message).toMatch(/500/);
    expect(JSON.stringify(failed)).not.toMatch(/\.ts:\d+|node_modules/);

    // A failed run: the workflow's own failure (converted in the workflow sandbox) is encoded too,
    // and the API, whose client decodes, still explains it.
    p.emulator.injectFault({ status: 400, count: 1, model: 'gpt-4o-mini' });
    const started = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', background: true, messages: [{ role: 'user', content: 'fail for good' }] } });
    expect(started.status).toBe(202);
    await expect(p.client.workflow.getHandle(started.body.id).result()).rejects.toThrow();
    const failedHistory = await raw.workflow.getHandle(started.body.id).fetchHistory();
    const closing = failedHistory.events!.at(-1)!.workflowExecutionFailedEventAttributes!.failure!;
    expect(closing.message).toBe('Encoded failure');
    expect(Buffer.from(History.encode(failedHistory).finish()).toString('latin1')).not.toMatch(/\.ts:\d+|node_modules/);
    const run = await p.call(`/v1/runs/${started.body.id}`, { key: t.key });
    expect(run.body.status).toBe('failed');
    expect(run.body.error.message).not.toBe('Encoded failure');
    expect(run.body.error.message).toMatch(/\w/);
  });

  it('decodes the same history through the codec endpoint with an admin key only', async () => {
    const marker = `codec-${Date.now()}-k4x`;
    const runId = await completionWith(marker);
    const payloads = payloadsOf(await raw.workflow.getHandle(runId).fetchHistory()).map(toJson);

    const decoded = await p.call('/codec/decode', { key: p.adminKey, body: { payloads } });
    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads).toHaveLength(payloads.length);
    const texts = (decoded.body.payloads as Array<{ metadata: Record<string, string>; data: string }>).map((d) => Buffer.from(d.data, 'base64').toString());
    expect(Buffer.from(decoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(texts.join('\n')).toContain(marker);

    const tenant = await p.call('/codec/decode', { key: t.key, body: { payloads } });
    expect(tenant.status).toBe(403);
    expect(tenant.body.error).toMatchObject({ type: 'permission_error', code: 'admin_required' });
    const anonymous = await p.call('/codec/decode', { body: { payloads } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.type).toBe('authentication_error');
    expect((await p.call('/codec/encode', { key: t.key, body: { payloads } })).status).toBe(403);

    // Encode then decode round-trips; bad input is a 400, never a 500.
    const plain = { metadata: { encoding: base64('json/plain') }, data: base64('"hello"') };
    const encoded = await p.call('/codec/encode', { key: p.adminKey, body: { payloads: [plain] } });
    expect(encoded.status).toBe(200);
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    const back = await p.call('/codec/decode', { key: p.adminKey, body: { payloads: encoded.body.payloads } });
    expect(back.body.payloads).toEqual([plain]);
    const tampered = { ...encoded.body.payloads[0], data: base64('x'.repeat(40)) };
    const refused = await p.call('/codec/decode', { key: p.adminKey, body: { payloads: [tampered] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('payload_not_decodable');
    expect((await p.call('/codec/decode', { key: p.adminKey, body: { payloads: [{ data: '%%%' }] } })).status).toBe(400);
    expect((await p.call('/codec/decode', { key: p.adminKey, body: { nope: 1 } })).status).toBe(400);
  });

  it('answers the Web UI: CORS for its origin, preflight without a key', async () => {
    const uiOrigin = `http://localhost:${p.env.TEMPORAL_UI_PORT}`;
    const preflight = await fetch(`${p.apiUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: uiOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    // A refusal carries the CORS headers too, so the UI can show why.
    const refused = await p.call('/codec/decode', { headers: { origin: uiOrigin }, body: { payloads: [] } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const elsewhere = await fetch(`${p.apiUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rotates keys: payloads written under the old key still decode once a new current key leads the ring', async () => {
    const marker = `rotate-${Date.now()}-m2p`;
    const runId = await completionWith(marker);
    const oldPayloads = payloadsOf(await raw.workflow.getHandle(runId).fetchHistory());

    // A second API process (same database and Temporal) configured with a new current key.
    const newKey = generatePayloadKeyEntry();
    const newId = newKey.split(':')[0]!;
    const rotated = await startTestPlatform({ worker: false, env: { SOMA_PAYLOAD_KEYS: `${newKey},${TEST_PAYLOAD_KEYS}` } });
    try {
      const run = await rotated.call(`/v1/runs/${runId}`, { key: t.key });
      expect(run.status).toBe(200);
      expect(run.body.status).toBe('completed');
      const decoded = await rotated.call('/codec/decode', { key: rotated.adminKey, body: { payloads: oldPayloads.map(toJson) } });
      expect(decoded.status).toBe(200);
      expect(decoded.body.payloads.map((d: { data: string }) => Buffer.from(d.data, 'base64').toString()).join('\n')).toContain(marker);
      const encoded = await rotated.call('/codec/encode', { key: rotated.adminKey, body: { payloads: [{ metadata: { encoding: base64('json/plain') }, data: base64('1') }] } });
      expect(Buffer.from(encoded.body.payloads[0].metadata[KEY_ID_METADATA], 'base64').toString()).toBe(newId);
      // The old ring does not know the new key: a clear 400, not a 500.
      const unknown = await p.call('/codec/decode', { key: p.adminKey, body: { payloads: encoded.body.payloads } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toContain(newId);
    } finally {
      await rotated.close();
    }

    // The codec itself: a fresh nonce per payload, and the ring's order decides the current key.
    const oldRing = parsePayloadKeys(TEST_PAYLOAD_KEYS);
    const newRing = parsePayloadKeys(`${newKey},${TEST_PAYLOAD_KEYS}`);
    const value: Payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"same"') };
    const [a, b] = await createEncryptedPayloadCodec(oldRing).encode([value, value]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    const [again] = await createEncryptedPayloadCodec(newRing).decode([a!]);
    expect(Buffer.from(again!.data!).toString()).toBe('"same"');
  });

  it('refuses Temporal\'s built-in queries (__stack_trace shows server file paths)', async () => {
    const started = await p.call('/v1/completions', { key: t.key, body: { model: 'gpt-4o-mini', background: true, messages: [{ role: 'user', content: 'stack' }] } });
    expect(started.status).toBe(202);
    await p.client.workflow.getHandle(started.body.id).result();
    for (const name of ['__stack_trace', '__enhanced_stack_trace', '__temporal_workflow_metadata']) {
      const res = await p.call(`/v1/runs/${started.body.id}/query/${name}`, { key: t.key, body: {} });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_handler_name' });
      expect(JSON.stringify(res.body)).not.toMatch(/\.ts|node_modules|\/work\//);
    }
  });
});

describe('payload keys', () => {
  it('parses a ring, and rejects bad keys without echoing them', () => {
    const entry = generatePayloadKeyEntry();
    expect(parsePayloadKeys(`${entry},${TEST_PAYLOAD_KEYS}`).current.id).toBe(entry.split(':')[0]);
    const short = 'k1:c2hvcnQ=';
    expect(() => loadEnv({ SOMA_PAYLOAD_KEYS: short })).toThrow(ConfigError);
    expect(() => loadEnv({ SOMA_PAYLOAD_KEYS: short })).not.toThrow(/c2hvcnQ/);
    expect(() => loadEnv({ SOMA_PAYLOAD_KEYS: `${TEST_PAYLOAD_KEYS},${TEST_PAYLOAD_KEYS}` })).toThrow(/twice/);
    expect(() => loadEnv({ SOMA_PAYLOAD_KEYS: 'no id' })).toThrow(ConfigError);
  });

  it('generates the embedded key once (mode 0600) and reuses it; production needs a configured key', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'soma-keys-'));
    const first = payloadKeysFromEnv(loadEnv({ SOMA_STATE_DIR: stateDir }));
    const file = join(stateDir, 'payload-keys');
    expect(first.source).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = payloadKeysFromEnv(loadEnv({ SOMA_STATE_DIR: stateDir }));
    expect(second.ring.current).toEqual(first.ring.current);
    expect(ensurePayloadKeyFile(file)).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain(first.ring.current.id);

    const empty = mkdtempSync(join(tmpdir(), 'soma-keys-'));
    expect(() => payloadKeysFromEnv(loadEnv({ SOMA_STATE_DIR: empty, SOMA_ENV: 'production' }))).toThrow(/SOMA_PAYLOAD_KEYS/);
    expect(() => statSync(join(empty, 'payload-keys'))).toThrow();
    expect(payloadKeysFromEnv(loadEnv({ SOMA_ENV: 'production', SOMA_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS })).source).toBe('SOMA_PAYLOAD_KEYS');
    expect(payloadKeysFromEnv(loadEnv({ SOMA_ENV: 'production', SOMA_PAYLOAD_KEY_FILE: file })).ring.current.id).toBe(first.ring.current.id);
    chmodSync(file, 0o600);
    expect(readPayloadKeyFile(file).byId.size).toBe(1);
  });
});
