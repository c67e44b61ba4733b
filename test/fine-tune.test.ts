import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createEmulator, type Emulator } from '../tooling/emulator/create-emulator.ts';
import { createOpenAICompatibleTuningBackend } from '../core/finetuning/openai-compatible-tuning-backend.ts';
import type { TuningBackend, TuningJob } from '../core/finetuning/tuning-backend.ts';

let emulator: Emulator;
let backend: TuningBackend;
const jsonl = [
  { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello there' }] },
  { messages: [{ role: 'user', content: 'bye' }, { role: 'assistant', content: 'see you soon' }] },
].map((l) => JSON.stringify(l)).join('\n');

beforeAll(async () => {
  emulator = await createEmulator();
  backend = createOpenAICompatibleTuningBackend({ id: 'emulator', baseURL: emulator.openaiBaseURL });
});
afterAll(async () => emulator?.close());

const control = async (body?: unknown) =>
  (await fetch(`${emulator.url}/_emulator/fine_tuning`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<{ jobs_created: number; jobs_cancelled: number }>;

async function waitTerminal(id: string): Promise<TuningJob> {
  for (;;) {
    const job = await backend.getJob(id);
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('OpenAI tuning backend against the emulator over HTTP (simulated)', () => {
  it('uploads, creates a job found again by its run id, walks the statuses and serves the ft: model', async () => {
    await control({ duration_ms: 1500 });
    const { fileId } = await backend.uploadFile('train.jsonl', jsonl);
    expect(fileId).toMatch(/^file-/);
    const content = await (await fetch(`${emulator.openaiBaseURL}/files/${fileId}/content`)).text();
    expect(content).toBe(jsonl);
    expect(await backend.findJob('ft-run-1')).toBeUndefined();
    const created = await backend.createJob({ baseModel: 'gpt-4o-mini', trainingFileId: fileId, suffix: 'support', metadata: { soma_run: 'ft-run-1' } });
    expect(created.status).toBe('validating_files');
    expect(created.simulated).toBe(true);
    expect((await backend.findJob('ft-run-1'))?.id).toBe(created.id);
    expect(await backend.findJob('ft-run-2')).toBeUndefined();
    const seen = new Set<string>();
    let job = created;
    while (!['succeeded', 'failed', 'cancelled'].includes(job.status)) {
      seen.add(job.status);
      await new Promise((r) => setTimeout(r, 50));
      job = await backend.getJob(created.id);
    }
    expect(job.status).toBe('succeeded');
    expect([...seen]).toEqual(expect.arrayContaining(['validating_files', 'queued', 'running']));
    expect(job.fineTunedModel).toMatch(/^ft:gpt-4o-mini:support:/);
    expect(job.trainedTokens).toBeGreaterThan(0);
    const events = await backend.listEvents(created.id);
    expect(events.map((e) => e.message).join('\n')).toMatch(/successfully completed/);
    expect((await backend.listCheckpoints(created.id))[0]?.model).toMatch(/^ft:gpt-4o-mini:support:.*ckpt-step-3$/);
    const chat = await new OpenAI({ apiKey: 'x', baseURL: emulator.openaiBaseURL }).chat.completions.create({ model: job.fineTunedModel!, messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.model).toBe(job.fineTunedModel);
  });

  it('a failure set through the control API fails the next job with its message', async () => {
    await control({ duration_ms: 300, fail_next: 'training loss diverged' });
    const { fileId } = await backend.uploadFile('train.jsonl', jsonl);
    const job = await waitTerminal((await backend.createJob({ baseModel: 'gpt-4o-mini', trainingFileId: fileId, suffix: 'x', metadata: { soma_run: 'ft-fail' } })).id);
    expect(job.status).toBe('failed');
    expect(job.error).toBe('training loss diverged');
    expect(job.fineTunedModel).toBeNull();
  });

  it('cancels a running job; a finished one cannot be cancelled; unknown ids are 404', async () => {
    await control({ duration_ms: 60_000, fail_next: null });
    const before = await control();
    const { fileId } = await backend.uploadFile('train.jsonl', jsonl);
    const created = await backend.createJob({ baseModel: 'gpt-4o-mini', trainingFileId: fileId, suffix: 'x', metadata: { soma_run: 'ft-cancel' } });
    expect((await backend.cancelJob(created.id)).status).toBe('cancelled');
    expect((await backend.getJob(created.id)).status).toBe('cancelled');
    expect((await control()).jobs_cancelled).toBe(before.jobs_cancelled + 1);
    await expect(backend.cancelJob(created.id)).rejects.toMatchObject({ status: 400 });
    await expect(backend.getJob('ftjob-nope')).rejects.toMatchObject({ status: 404 });
    await expect(backend.createJob({ baseModel: 'gpt-4o-mini', trainingFileId: 'file-nope', suffix: 'x', metadata: { soma_run: 'r' } })).rejects.toMatchObject({ status: 400 });
  });
});
