/**
 * The OpenAI fine-tuning jobs API, simulated: create, retrieve, list (with `metadata[k]=v`
 * filters, which the platform uses to find a job it created before a crash), events,
 * checkpoints and cancel. A job's status follows the clock: validating_files for the first
 * 10% of its duration, queued for the next 10%, running until the end, then succeeded (with
 * `fine_tuned_model` = `ft:<base>:<suffix>:<id>`, which the emulator's chat endpoint then
 * answers like any model) or failed when the control API said so. No model is trained.
 *
 * Control: `POST /_emulator/fine_tuning` `{ "duration_ms": 3000, "fail_next": "message" }`,
 * `GET /_emulator/fine_tuning` → `{ jobs_created, jobs_cancelled }`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readJsonBody, sendJson } from './http-io.ts';
import type { FilesState } from './openai-files.ts';

interface EmulatedJob {
  id: string;
  model: string;
  training_file: string;
  validation_file: string | null;
  suffix: string | null;
  metadata: Record<string, string> | null;
  createdAtMs: number;
  durationMs: number;
  failWith: string | null;
  cancelledAtMs: number | null;
  trainedTokens: number;
}

export interface FineTuningState {
  jobs: Map<string, EmulatedJob>;
  durationMs: number;
  failNext: string | null;
  jobsCreated: number;
  jobsCancelled: number;
}

export const createFineTuningState = (): FineTuningState => ({ jobs: new Map(), durationMs: 3000, failNext: null, jobsCreated: 0, jobsCancelled: 0 });

const createSchema = z.object({
  model: z.string().min(1),
  training_file: z.string().min(1),
  validation_file: z.string().nullish(),
  suffix: z.string().max(64).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  hyperparameters: z.record(z.string(), z.unknown()).nullish(),
  seed: z.number().int().nullish(),
});

type Phase = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

function phaseOf(job: EmulatedJob, now: number): { status: Phase; at: number } {
  const t = (f: number) => job.createdAtMs + job.durationMs * f;
  const at = job.cancelledAtMs ?? now;
  if (job.cancelledAtMs !== null) return { status: 'cancelled', at };
  if (now >= t(1)) return { status: job.failWith ? 'failed' : 'succeeded', at: t(1) };
  if (now >= t(0.2)) return { status: 'running', at: t(0.2) };
  if (now >= t(0.1)) return { status: 'queued', at: t(0.1) };
  return { status: 'validating_files', at: job.createdAtMs };
}

const sec = (ms: number) => Math.floor(ms / 1000);

function jobJson(job: EmulatedJob, now = Date.now()) {
  const { status, at } = phaseOf(job, now);
  const done = status === 'succeeded' || status === 'failed' || status === 'cancelled';
  return {
    object: 'fine_tuning.job',
    id: job.id,
    model: job.model,
    created_at: sec(job.createdAtMs),
    finished_at: done ? sec(at) : null,
    fine_tuned_model: status === 'succeeded' ? `ft:${job.model}:${job.suffix ?? 'soma'}:${job.id.slice(-8)}` : null,
    organization_id: 'org-simulated',
    result_files: [],
    status,
    validation_file: job.validation_file,
    training_file: job.training_file,
    hyperparameters: { n_epochs: 3, batch_size: 1, learning_rate_multiplier: 1 },
    trained_tokens: status === 'succeeded' ? job.trainedTokens : status === 'running' ? Math.floor(job.trainedTokens * Math.min(1, (now - job.createdAtMs - job.durationMs * 0.2) / (job.durationMs * 0.8))) : null,
    error: status === 'failed' ? { code: 'simulated_failure', message: job.failWith, param: null } : null,
    suffix: job.suffix,
    metadata: job.metadata,
    seed: 0,
    estimated_finish: done ? null : sec(job.createdAtMs + job.durationMs),
    user_provided_suffix: job.suffix,
    simulated: true,
  };
}

function eventsOf(job: EmulatedJob, now: number) {
  const { status } = phaseOf(job, now);
  const ev = (atMs: number, message: string, level = 'info') => ({ object: 'fine_tuning.job.event', id: `ftevent-${job.id.slice(-8)}-${atMs}`, created_at: sec(atMs), level, message, type: 'message', data: {} });
  const list = [ev(job.createdAtMs, `Created fine-tuning job: ${job.id}`), ev(job.createdAtMs, 'Validating training file (simulated)')];
  const end = job.cancelledAtMs ?? now;
  if (end >= job.createdAtMs + job.durationMs * 0.1) list.push(ev(job.createdAtMs + job.durationMs * 0.1, 'Files validated, moving job to queued state'));
  if (end >= job.createdAtMs + job.durationMs * 0.2) list.push(ev(job.createdAtMs + job.durationMs * 0.2, 'Fine-tuning job started'));
  if (status === 'succeeded') list.push(ev(job.createdAtMs + job.durationMs, 'The job has successfully completed'));
  if (status === 'failed') list.push(ev(job.createdAtMs + job.durationMs, `Job failed: ${job.failWith}`, 'error'));
  if (status === 'cancelled') list.push(ev(job.cancelledAtMs!, 'Fine-tuning job cancelled'));
  return list.reverse(); // newest first, as OpenAI lists them
}

export async function handleFineTuningControl(req: IncomingMessage, res: ServerResponse, state: FineTuningState): Promise<void> {
  if (req.method === 'POST') {
    const body = await readJsonBody(req);
    const parsed = z.object({ duration_ms: z.number().int().min(0).max(600_000).optional(), fail_next: z.string().min(1).nullable().optional() }).safeParse(body.ok ? body.value : null);
    if (!parsed.success) return sendJson(res, 400, { error: { message: 'expected { duration_ms?, fail_next? }' } });
    if (parsed.data.duration_ms !== undefined) state.durationMs = parsed.data.duration_ms;
    if (parsed.data.fail_next !== undefined) state.failNext = parsed.data.fail_next;
  } else {
    req.resume();
  }
  return sendJson(res, 200, { duration_ms: state.durationMs, fail_next: state.failNext, jobs_created: state.jobsCreated, jobs_cancelled: state.jobsCancelled });
}

export async function handleFineTuningCall(req: IncomingMessage, res: ServerResponse, path: string, url: string, state: FineTuningState, files: FilesState): Promise<void> {
  const now = Date.now();
  const notFound = (id: string) => sendJson(res, 404, { error: { message: `No such fine-tuning job: ${id}`, type: 'invalid_request_error', code: 'not_found' } });
  if (req.method === 'POST' && path === '/v1/fine_tuning/jobs') {
    const body = await readJsonBody(req);
    const parsed = createSchema.safeParse(body.ok ? body.value : null);
    if (!parsed.success) return sendJson(res, 400, { error: { message: parsed.error.issues[0]?.message ?? 'invalid request', type: 'invalid_request_error' } });
    const training = files.files.get(parsed.data.training_file);
    if (!training) return sendJson(res, 400, { error: { message: `invalid training_file: ${parsed.data.training_file}`, type: 'invalid_request_error', param: 'training_file' } });
    const job: EmulatedJob = {
      id: `ftjob-${randomBytes(12).toString('hex')}`,
      model: parsed.data.model,
      training_file: training.id,
      validation_file: parsed.data.validation_file ?? null,
      suffix: parsed.data.suffix ?? null,
      metadata: parsed.data.metadata ?? null,
      createdAtMs: now,
      durationMs: state.durationMs,
      failWith: state.failNext,
      cancelledAtMs: null,
      // Words stand in for tokens, as elsewhere in the emulator; three epochs.
      trainedTokens: 3 * training.content.toString('utf8').split(/\s+/).length,
    };
    state.failNext = null;
    state.jobs.set(job.id, job);
    state.jobsCreated++;
    return sendJson(res, 200, jobJson(job, now));
  }
  req.resume();
  if (req.method === 'GET' && path === '/v1/fine_tuning/jobs') {
    const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    const filters = [...query.entries()].flatMap(([k, v]) => {
      const m = /^metadata\[(.+)\]$/.exec(k);
      return m ? [[m[1]!, v] as const] : [];
    });
    const limit = Math.min(100, Number(query.get('limit') ?? 20) || 20);
    const jobs = [...state.jobs.values()].reverse().filter((j) => filters.every(([k, v]) => j.metadata?.[k] === v));
    return sendJson(res, 200, { object: 'list', data: jobs.slice(0, limit).map((j) => jobJson(j, now)), has_more: jobs.length > limit });
  }
  const m = /^\/v1\/fine_tuning\/jobs\/([^/]+)(?:\/(events|checkpoints|cancel))?$/.exec(path);
  const job = m ? state.jobs.get(m[1]!) : undefined;
  if (!m || !job) return notFound(m?.[1] ?? path);
  const sub = m[2];
  if (req.method === 'GET' && sub === undefined) return sendJson(res, 200, jobJson(job, now));
  if (req.method === 'GET' && sub === 'events') return sendJson(res, 200, { object: 'list', data: eventsOf(job, now), has_more: false });
  if (req.method === 'GET' && sub === 'checkpoints') {
    const done = phaseOf(job, now).status === 'succeeded';
    const data = done
      ? [{ object: 'fine_tuning.job.checkpoint', id: `ftckpt-${job.id.slice(-8)}`, created_at: sec(job.createdAtMs + job.durationMs), fine_tuned_model_checkpoint: `ft:${job.model}:${job.suffix ?? 'soma'}:${job.id.slice(-8)}:ckpt-step-3`, fine_tuning_job_id: job.id, step_number: 3, metrics: { step: 3, train_loss: 0.42 } }]
      : [];
    return sendJson(res, 200, { object: 'list', data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[0]?.id ?? null });
  }
  if (req.method === 'POST' && sub === 'cancel') {
    const { status } = phaseOf(job, now);
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled') {
      return sendJson(res, 400, { error: { message: `Job has already ${status === 'cancelled' ? 'been cancelled' : 'completed'}`, type: 'invalid_request_error' } });
    }
    job.cancelledAtMs = now;
    state.jobsCancelled++;
    return sendJson(res, 200, jobJson(job, now));
  }
  return notFound(job.id);
}
