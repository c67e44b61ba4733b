/**
 * One narrow contract every fine-tuning service is adapted to, so the fineTune workflow never
 * knows which vendor it drives. Statuses are OpenAI's, the most widely copied: other services map
 * onto them.
 *
 * Adapter point for other services (one file each, implementing this interface):
 * - Anthropic models are tuned through Amazon Bedrock (model customization jobs): `uploadFile`
 *   puts the JSONL in S3 (Bedrock reads training data from a bucket, in its own
 *   `{"system", "messages"}` shape, converted here), `createJob` calls CreateModelCustomizationJob
 *   with the workflow id as the job name (Bedrock names are unique, which gives the idempotent
 *   create), `getJob` maps InProgress/Completed/Failed/Stopping/Stopped onto TuningStatus,
 *   `cancelJob` is StopModelCustomizationJob, and the tuned model is served through Provisioned
 *   Throughput, whose ARN becomes `fineTunedModel`.
 */
export type TuningStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL_TUNING_STATUSES: readonly TuningStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface TuningJob {
  id: string;
  status: TuningStatus;
  baseModel: string;
  /** Set once the job succeeded: the model id to call. */
  fineTunedModel: string | null;
  trainedTokens: number | null;
  error: string | null;
  /** Whether the service is a simulation (the emulator). */
  simulated: boolean;
}

export interface TuningEvent {
  id: string;
  createdAt: number;
  level: string;
  message: string;
}

export interface TuningCheckpoint {
  id: string;
  step: number;
  model: string;
}

export interface CreateTuningJob {
  baseModel: string;
  trainingFileId: string;
  validationFileId?: string;
  suffix: string;
  /**
   * Must hold `soma_run` (the workflow id): `findJob` looks it up before a create, so a worker
   * that crashed between creating the job and recording it never creates a second one.
   */
  metadata: Record<string, string>;
  epochs?: number;
}

export interface TuningBackend {
  readonly id: string;
  uploadFile(name: string, jsonl: string): Promise<{ fileId: string }>;
  /** The job an earlier attempt of the same run created, if any. */
  findJob(runId: string): Promise<TuningJob | undefined>;
  createJob(input: CreateTuningJob): Promise<TuningJob>;
  getJob(jobId: string): Promise<TuningJob>;
  listEvents(jobId: string, limit?: number): Promise<TuningEvent[]>;
  listCheckpoints(jobId: string): Promise<TuningCheckpoint[]>;
  cancelJob(jobId: string): Promise<TuningJob>;
}
