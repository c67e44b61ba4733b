/**
 * Evaluation shapes: suites (cases + graders), candidates, the `evaluate` workflow's input and
 * result. Zod is the single source: the API validates with these schemas, the OpenAPI document
 * is derived from them, and the workflow (which may import zod) re-checks its input so a bad
 * payload fails fast instead of retrying. Pure: workflows import it.
 *
 * Contract for callers (the fineTune workflow starts `evaluate` as a child):
 *   executeChild(EVALUATE_WORKFLOW, { args: [input satisfies EvaluateInput] }) -> EvaluateResult
 */
import { z } from 'zod';

/** The workflow type name callers start (also the `SomaKind` search attribute of its runs). */
export const EVALUATE_WORKFLOW = 'evaluate';

/** Longest reference / output a text grader looks at: bounds regex and similarity work per case. */
export const GRADER_TEXT_CAP = 20_000;

const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(100_000),
});

/**
 * One grader. Every grader scores a case in [0, 1]; `binary` graders give exactly 0 or 1, which
 * is what lets the comparison use the exact sign/McNemar test instead of only the bootstrap.
 */
export const graderSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('exact'), name: z.string().min(1).max(64).optional(), caseSensitive: z.boolean().default(true), trim: z.boolean().default(true) }),
  z.object({ type: z.literal('contains'), name: z.string().min(1).max(64).optional(), caseSensitive: z.boolean().default(false) }),
  z.object({
    type: z.literal('regex'),
    name: z.string().min(1).max(64).optional(),
    /** Matched against the output; refused at suite creation when it can backtrack catastrophically. */
    pattern: z.string().min(1).max(500),
    flags: z.string().regex(/^[imsu]*$/).max(4).default(''),
  }),
  z.object({ type: z.literal('json_schema'), name: z.string().min(1).max(64).optional(), schema: z.record(z.string(), z.unknown()) }),
  z.object({
    type: z.literal('numeric'),
    name: z.string().min(1).max(64).optional(),
    /** |output - expected| <= absolute, or <= relative * |expected|. */
    absolute: z.number().nonnegative().default(0),
    relative: z.number().nonnegative().default(0),
  }),
  z.object({
    type: z.literal('embedding_similarity'),
    name: z.string().min(1).max(64).optional(),
    /** Cosine similarity at or above it passes; the score is the similarity itself. */
    threshold: z.number().min(-1).max(1).default(0.8),
  }),
  z.object({
    type: z.literal('model_rubric'),
    name: z.string().min(1).max(64).optional(),
    /** Judge model; the embedded default `local/smollm2-135m` is a weak judge and runs are labelled so. */
    judgeModel: z.string().min(1).max(200).default('local/smollm2-135m'),
    rubric: z.string().min(1).max(4_000),
    /** A prompt template (name, optional version/label) for the judge prompt; unset: the built-in one. */
    promptTemplate: z.object({ name: z.string().min(1).max(200), version: z.number().int().positive().optional(), label: z.string().max(64).optional() }).optional(),
  }),
]);
export type Grader = z.infer<typeof graderSchema>;
export type GraderType = Grader['type'];

/** Graders whose score is 0 or 1. */
export const BINARY_GRADERS: ReadonlySet<GraderType> = new Set(['exact', 'contains', 'regex', 'json_schema', 'numeric']);

/** A case: chat messages, or variables for the candidate's prompt template; and what a good answer is. */
export const evalCaseSchema = z
  .object({
    id: z.string().min(1).max(128).optional(),
    messages: z.array(chatMessageSchema).min(1).max(200).optional(),
    variables: z.record(z.string(), z.unknown()).optional(),
    /** The reference answer (exact/contains/numeric/similarity/rubric). */
    expected: z.string().max(GRADER_TEXT_CAP).optional(),
    /** Graders for this case only; otherwise the suite's. */
    graders: z.array(graderSchema).min(1).max(10).optional(),
    tags: z.array(z.string().max(64)).max(20).optional(),
  })
  .refine((c) => c.messages !== undefined || c.variables !== undefined, { message: 'a case needs messages or variables' });
export type EvalCase = z.infer<typeof evalCaseSchema>;

export const suiteNameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lowercase letters, digits, . _ -');

/** The body of `POST /v1/evals/suites`: a new immutable version of the named suite. */
export const createSuiteVersionSchema = z.object({
  name: suiteNameSchema,
  description: z.string().max(2_000).optional(),
  graders: z.array(graderSchema).min(1).max(10),
  cases: z.array(evalCaseSchema).min(1).max(10_000),
  labels: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)).max(10).optional(),
});
export type CreateSuiteVersion = z.infer<typeof createSuiteVersionSchema>;

/** A stored suite version: immutable; labels move between versions. */
export interface EvalSuiteVersion {
  tenantId: string;
  name: string;
  version: number;
  description: string | null;
  graders: Grader[];
  cases: Array<EvalCase & { id: string }>;
  contentHash: string;
  labels: string[];
  createdAt: string;
}

/** What is evaluated: a model, optionally with a prompt template version rendering each case's variables. */
export const candidateSchema = z.object({
  model: z.string().min(1).max(200),
  prompt: z.object({ name: z.string().min(1).max(200), version: z.number().int().positive().optional(), label: z.string().max(64).optional() }).optional(),
  parameters: z.object({ maxTokens: z.number().int().positive().max(32_000).optional(), temperature: z.number().min(0).max(2).optional() }).optional(),
  /** Display name in results; defaults to the model (plus prompt). */
  label: z.string().min(1).max(200).optional(),
});
export type Candidate = z.infer<typeof candidateSchema>;

/** The `evaluate` workflow's input. The tenant comes from the caller's API key (or the parent run), never a payload field the user sets. */
export const evaluateInputSchema = z.object({
  tenantId: z.string().min(1),
  runId: z.string().min(1),
  /** The key that started the run (from authentication): model calls are planned, budgeted and attributed as its. */
  apiKeyId: z.string().min(1).default('evaluate'),
  suite: z.object({ name: suiteNameSchema, version: z.number().int().positive() }),
  candidates: z.array(candidateSchema).min(1).max(8),
  /** Cases run at once per candidate (bounded: the provider's and the worker's capacity). */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Which candidate the others are compared against (index into candidates). */
  baselineIndex: z.number().int().min(0).default(0),
  /** Set by a schedule: compare with the last accepted run of the same suite and fail on a regression. */
  regression: z.object({ margin: z.number().min(0).max(1), alpha: z.number().gt(0).lt(1).default(0.05), scheduleId: z.string().optional() }).optional(),
  seed: z.number().int().default(1),
});
export type EvaluateInput = z.infer<typeof evaluateInputSchema>;

/** One grader's verdict on one candidate's answer to one case. */
export interface GradeResult {
  grader: string;
  type: GraderType;
  score: number;
  passed: boolean;
  detail?: string;
}

export interface CaseResult {
  caseId: string;
  candidate: number;
  output: string | null;
  error: string | null;
  grades: GradeResult[];
  /** Mean of the grades (0 on an error). */
  score: number;
  costUsd: number;
  latencyMs: number;
  simulated: boolean;
}

/** A paired comparison of one candidate with the baseline over the same cases. */
export interface PairedComparison {
  n: number;
  meanDifference: number;
  ci95: [number, number];
  /** Two-sided p-value: exact sign test (binary scores: McNemar's exact test on discordant pairs) or bootstrap. */
  pValue: number;
  test: 'exact_sign' | 'mcnemar_exact' | 'bootstrap';
  significant: boolean;
}

export interface CandidateSummary {
  candidate: number;
  label: string;
  meanScore: number;
  passRate: number;
  perGrader: Record<string, { meanScore: number; passRate: number }>;
  costUsd: number;
  latencyMsP50: number;
  errors: number;
  /** Absent on the baseline. */
  vsBaseline?: PairedComparison;
}

export type EvaluateStatus = 'succeeded' | 'failed_regression' | 'failed';

export interface EvaluateResult {
  runId: string;
  status: EvaluateStatus;
  suite: { name: string; version: number };
  cases: number;
  candidates: CandidateSummary[];
  /** Set when input.regression was: the comparison with the last accepted run. */
  regression?: { previousRunId: string | null; comparison: PairedComparison | null; regressed: boolean };
  /** A judge on the embedded small local model was used: its scores are weak evidence. */
  weakJudge: boolean;
}
