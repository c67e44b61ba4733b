import type { RequestOptions } from '../http-client.js';
import { APIResource } from '../resource.js';
import type { BackgroundRun } from '../types/completions.js';
import type { RagAnswer, RagAnswerParams, RagAnswerParamsBackground, RagAnswerParamsNonBackground } from '../types/rag.js';

/** Retrieval-augmented answers: retrieve, assemble a budgeted context, answer, check the citations. */
export class Rag extends APIResource {
  /**
   * Answers a question from retrieved passages, citing them; every citation is checked against
   * the context. With `background: true` it answers at once with the run (poll `runs.get`).
   */
  answer(body: RagAnswerParamsBackground, options?: RequestOptions): Promise<BackgroundRun<'rag'>>;
  answer(body: RagAnswerParamsNonBackground, options?: RequestOptions): Promise<RagAnswer>;
  answer(body: RagAnswerParams, options?: RequestOptions): Promise<RagAnswer | BackgroundRun<'rag'>>;
  answer(body: RagAnswerParams, options?: RequestOptions): Promise<RagAnswer | BackgroundRun<'rag'>> {
    return this.http.request({ method: 'POST', path: '/v1/rag', body, options });
  }
}
