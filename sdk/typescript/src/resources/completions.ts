import { CompletionStream } from '../completion-stream.js';
import type { RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type {
  BackgroundRun,
  Completion,
  CompletionCreateParams,
  CompletionCreateParamsBackground,
  CompletionCreateParamsNonStreaming,
  CompletionCreateParamsStreaming,
  CompletionStreamParams,
} from '../types/completions.js';

export class Completions extends APIResource {
  /**
   * Runs a chat completion as a durable workflow and waits for the answer. With
   * `background: true` it answers at once with the run (poll `runs.get`); with `stream: true`
   * it is `stream()`.
   */
  create(body: CompletionCreateParamsStreaming, options?: RequestOptions): Promise<CompletionStream>;
  create(body: CompletionCreateParamsBackground, options?: RequestOptions): Promise<BackgroundRun>;
  create(body: CompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<Completion>;
  create(body: CompletionCreateParams, options?: RequestOptions): Promise<Completion | BackgroundRun | CompletionStream>;
  create(body: CompletionCreateParams, options?: RequestOptions): Promise<Completion | BackgroundRun | CompletionStream> {
    if (body.stream) return this.openStream(body, options);
    return this.http.request<Completion | BackgroundRun>({ method: 'POST', path: '/v1/completions', body, options });
  }

  /**
   * Streams a completion: resolves once the run has started (so `runId` is known and a refused
   * request has already thrown), then yields typed events. Closing the stream early cancels the run.
   */
  stream(body: CompletionStreamParams, options?: RequestOptions): Promise<CompletionStream> {
    return this.openStream({ ...body, stream: true } as CompletionCreateParamsStreaming, options);
  }

  private async openStream(body: CompletionCreateParams, options: RequestOptions | undefined): Promise<CompletionStream> {
    const open = await this.http.stream({ method: 'POST', path: '/v1/completions', body, options });
    return CompletionStream.open(open);
  }
}
