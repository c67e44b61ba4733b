import { path, type RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { RunFeedback, RunFeedbackParams } from '../types/router.js';
import type { List } from '../types/shared.js';

/** Feedback on runs: ratings, corrections, labels (the author is the calling key). */
export class Feedback extends APIResource {
  /** Records feedback on a run: at least one of rating, corrected_output, labels, comment. */
  create(runId: string, body: RunFeedbackParams, options?: RequestOptions): Promise<RunFeedback> {
    return this.http.request({ method: 'POST', path: path`/v1/runs/${runId}/feedback`, body, options });
  }

  /** The feedback a run received, oldest first. */
  list(runId: string, options?: RequestOptions): Promise<List<RunFeedback>> {
    return this.http.request({ method: 'GET', path: path`/v1/runs/${runId}/feedback`, options });
  }
}
