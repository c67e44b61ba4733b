import OpenAI, { toFile } from 'openai';
import type { TuningBackend, TuningJob, TuningStatus } from './tuning-backend.ts';

export interface OpenAITuningBackendOptions {
  apiKey: string;
  /** Another base URL makes this the OpenAI-compatible backend (see openai-compatible-tuning-backend.ts). */
  baseURL?: string;
  id?: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

const STATUSES: readonly TuningStatus[] = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** The metadata key that ties a provider job to the fineTune run that created it. */
export const RUN_METADATA_KEY = 'soma_run';

function toJob(job: OpenAI.FineTuning.FineTuningJob): TuningJob {
  const simulated = (job as unknown as { simulated?: unknown }).simulated === true;
  return {
    id: job.id,
    // An unknown status from a compatible server is treated as still running, never as done.
    status: STATUSES.includes(job.status as TuningStatus) ? (job.status as TuningStatus) : 'running',
    baseModel: job.model,
    fineTunedModel: job.fine_tuned_model ?? null,
    trainedTokens: job.trained_tokens ?? null,
    error: job.error?.message ?? null,
    simulated,
  };
}

/** The OpenAI fine-tuning API through the official SDK: files, jobs, events, checkpoints, cancel. */
export function createOpenAITuningBackend(options: OpenAITuningBackendOptions): TuningBackend {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 60_000,
    // Temporal owns retries (the activities' bounded policy), as for completions.
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    id: options.id ?? 'openai',
    async uploadFile(name, jsonl) {
      const file = await client.files.create({ file: await toFile(Buffer.from(jsonl, 'utf8'), name), purpose: 'fine-tune' });
      return { fileId: file.id };
    },
    async findJob(runId) {
      const page = await client.fineTuning.jobs.list({ limit: 10, metadata: { [RUN_METADATA_KEY]: runId } });
      // A server that ignores the metadata filter still gets checked job by job.
      const job = page.data.find((j) => j.metadata?.[RUN_METADATA_KEY] === runId);
      return job ? toJob(job) : undefined;
    },
    async createJob(input) {
      const job = await client.fineTuning.jobs.create({
        model: input.baseModel,
        training_file: input.trainingFileId,
        ...(input.validationFileId ? { validation_file: input.validationFileId } : {}),
        suffix: input.suffix,
        metadata: input.metadata,
        ...(input.epochs ? { method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: input.epochs } } } } : {}),
      });
      return toJob(job);
    },
    async getJob(jobId) {
      return toJob(await client.fineTuning.jobs.retrieve(jobId));
    },
    async listEvents(jobId, limit = 50) {
      const page = await client.fineTuning.jobs.listEvents(jobId, { limit });
      return page.data.map((e) => ({ id: e.id, createdAt: e.created_at, level: e.level, message: e.message }));
    },
    async listCheckpoints(jobId) {
      const page = await client.fineTuning.jobs.checkpoints.list(jobId);
      return page.data.map((c) => ({ id: c.id, step: c.step_number, model: c.fine_tuned_model_checkpoint }));
    },
    async cancelJob(jobId) {
      return toJob(await client.fineTuning.jobs.cancel(jobId));
    },
  };
}
