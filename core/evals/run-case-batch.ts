/**
 * Runs a slice of a suite's cases against one candidate and grades the answers: the work of one
 * `evaluate` batch activity. Calls go straight to the provider of the candidate the run planned
 * (policy, budgets, registry price) instead of through a `completion` child per case: a child
 * per case costs a dozen history events and a workflow task each, which a 1,000-case suite
 * cannot afford (the bench's 200 cases/s), and the batch's results are stored per case anyway.
 * A provider failure on one case is that case's result (score 0, error recorded), not the run's.
 */
import type { Embedder } from '../embeddings/embedder.ts';
import type { ModelCandidate } from '../completions/completion-types.ts';
import type { ProviderSet } from '../providers/provider-set.ts';
import { ProviderError } from '../providers/provider-error.ts';
import { costUsd } from '../routing/model-spec.ts';
import type { CaseResult, EvalCase, GradeResult, Grader } from './eval-types.ts';
import { boundedMap } from './bounded-map.ts';
import { compileDeterministicGrader, graderName, isDeterministic, type GradeFunction } from './deterministic-graders.ts';
import { gradeSimilarity } from './similarity-grader.ts';

export interface CaseBatch {
  candidateIndex: number;
  /** The planned model (first of its chain). */
  model: ModelCandidate;
  parameters: { maxTokens?: number; temperature?: number };
  graders: Grader[];
  cases: ReadonlyArray<EvalCase & { id: string; index: number }>;
  concurrency: number;
}

export interface BatchDeps {
  providers: ProviderSet;
  embedder?: Embedder;
  signal?: AbortSignal;
}

/** Compiled deterministic graders, cached per grader definition (a suite's batches share them). */
const compiled = new Map<string, GradeFunction>();
function compile(grader: Grader): GradeFunction | null {
  if (!isDeterministic(grader)) return null;
  const key = JSON.stringify(grader);
  let fn = compiled.get(key);
  if (!fn) {
    if (compiled.size > 1_000) compiled.clear();
    fn = compileDeterministicGrader(grader);
    compiled.set(key, fn);
  }
  return fn;
}

export async function runCaseBatch(deps: BatchDeps, batch: CaseBatch): Promise<Array<CaseResult & { caseIndex: number }>> {
  const provider = deps.providers.get(batch.model.provider);
  const answers = await boundedMap(batch.cases, batch.concurrency, async (c) => {
    const started = performance.now();
    if (!c.messages) return { output: null, error: 'case has no messages (template variables need a prompt candidate: not yet supported)', costUsd: 0, latencyMs: 0, simulated: false };
    if (!provider) return { output: null, error: `provider ${batch.model.provider} is not configured`, costUsd: 0, latencyMs: 0, simulated: false };
    try {
      const result = await provider.generate({
        model: batch.model.providerModel,
        messages: c.messages,
        ...(batch.parameters.maxTokens !== undefined && { maxTokens: batch.parameters.maxTokens }),
        ...(batch.parameters.temperature !== undefined && { temperature: batch.parameters.temperature }),
        ...(deps.signal && { signal: deps.signal }),
      });
      return {
        output: result.text,
        error: null,
        costUsd: costUsd(batch.model, result.usage.inputTokens, result.usage.outputTokens),
        latencyMs: performance.now() - started,
        simulated: result.simulated,
      };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return { output: null, error: `${error.kind}: ${error.message}`, costUsd: 0, latencyMs: performance.now() - started, simulated: false };
    }
  });
  const grades: GradeResult[][] = batch.cases.map(() => []);
  const gradersOf = (c: EvalCase): Grader[] => c.graders ?? batch.graders;
  // Similarity graders embed every answer of the batch in one call per grader definition.
  const similarity = new Map<string, { grader: Extract<Grader, { type: 'embedding_similarity' }>; at: number[] }>();
  batch.cases.forEach((c, i) => {
    const answer = answers[i]!;
    for (const grader of gradersOf(c)) {
      if (answer.output === null) {
        grades[i]!.push({ grader: graderName(grader), type: grader.type, score: 0, passed: false, detail: 'no answer' });
        continue;
      }
      const fn = compile(grader);
      if (fn) grades[i]!.push(fn(answer.output, c.expected));
      else if (grader.type === 'embedding_similarity') {
        const key = JSON.stringify(grader);
        const entry = similarity.get(key) ?? { grader, at: [] };
        entry.at.push(i);
        similarity.set(key, entry);
        grades[i]!.push({ grader: graderName(grader), type: grader.type, score: 0, passed: false, detail: 'pending' });
      } else {
        grades[i]!.push({ grader: graderName(grader), type: grader.type, score: 0, passed: false, detail: 'model_rubric grading is not yet wired into evaluate' });
      }
    }
  });
  for (const { grader, at } of similarity.values()) {
    if (!deps.embedder) throw new Error('embedding_similarity grader needs the platform embedder');
    const scored = await gradeSimilarity(deps.embedder, grader, at.map((i) => ({ output: answers[i]!.output!, expected: batch.cases[i]!.expected })));
    at.forEach((i, k) => {
      const list = grades[i]!;
      const slot = list.findIndex((g) => g.type === 'embedding_similarity' && g.grader === graderName(grader) && g.detail === 'pending');
      list[slot] = scored[k]!;
    });
  }
  return batch.cases.map((c, i) => {
    const answer = answers[i]!;
    const list = grades[i]!;
    const score = answer.output === null || list.length === 0 ? 0 : list.reduce((s, g) => s + g.score, 0) / list.length;
    return { caseId: c.id, caseIndex: c.index, candidate: batch.candidateIndex, ...answer, grades: list, score };
  });
}
