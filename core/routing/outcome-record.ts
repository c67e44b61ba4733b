import { z } from 'zod';

/**
 * Measured outcomes: how well (and at what cost) each model answered one prompt. The router
 * learns from these and nothing else (never from hand-assigned labels). Two line formats are
 * read, one JSON object per line:
 *
 * - wide (RouterBench / RouteLLM style, the format of ../shared/data/router-outcomes): one line
 *   per prompt, `{ id, prompt, family?, category?, source?, outcomes: { <model>: { score, cost_usd?,
 *   input_tokens?, output_tokens?, output_chars?, latency_ms? } } }`;
 * - long: one line per prompt and model, `{ prompt_id, prompt, model, score, ... }`, the lines of
 *   one prompt grouped by `prompt_id`.
 *
 * `score` is 0..1, higher is better, comparable between models of the same source only.
 */
export const MODEL_NAME = /^[\w.:/@+-]{1,200}$/;
const ID = z.string().min(1).max(300);
const FAMILY = z.string().regex(/^[\w.-]{1,80}$/, 'letters, digits, "_", "-" and "." (at most 80)');

export const ModelOutcomeSchema = z
  .object({
    score: z.number().min(0).max(1),
    cost_usd: z.number().min(0).optional(),
    input_tokens: z.number().int().min(0).optional(),
    output_tokens: z.number().int().min(0).optional(),
    output_chars: z.number().int().min(0).optional(),
    latency_ms: z.number().min(0).optional(),
    p_correct: z.number().min(0).max(1).optional(),
  })
  .strip();

export const WideOutcomeLineSchema = z
  .object({
    id: ID,
    prompt: z.string().min(1).max(200_000),
    source: z.string().max(80).optional(),
    family: FAMILY.optional(),
    category: FAMILY.optional(),
    outcomes: z.record(z.string().regex(MODEL_NAME, 'a model name'), ModelOutcomeSchema).refine((o) => Object.keys(o).length > 0, 'at least one model'),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strip();

export const LongOutcomeLineSchema = ModelOutcomeSchema.extend({
  prompt_id: ID,
  prompt: z.string().min(1).max(200_000),
  model: z.string().regex(MODEL_NAME, 'a model name'),
  source: z.string().max(80).optional(),
  family: FAMILY.optional(),
  category: FAMILY.optional(),
}).strip();

export type ModelOutcome = z.infer<typeof ModelOutcomeSchema>;

/** One prompt with the measured outcome of every model that answered it. */
export interface OutcomeRecord {
  id: string;
  prompt: string;
  source: string;
  family: string;
  category: string;
  outcomes: Record<string, ModelOutcome>;
}

export interface OutcomeLineError {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ParsedOutcomes {
  records: OutcomeRecord[];
  errors: OutcomeLineError[];
  lines: number;
}

/** At most this many line errors are listed: a wrong file would otherwise list every line. */
export const MAX_REPORTED_ERRORS = 50;

/**
 * Parses a whole JSONL file; every bad line is reported with its number (up to
 * MAX_REPORTED_ERRORS) and, when there is any, the caller imports nothing. Blank lines are skipped.
 */
export function parseOutcomeLines(text: string, defaults: { source?: string } = {}): ParsedOutcomes {
  const errors: OutcomeLineError[] = [];
  const byId = new Map<string, OutcomeRecord>();
  const firstLine = new Map<string, number>();
  const lines = text.split('\n');
  const fail = (line: number, message: string) => {
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line, message });
  };
  let count = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed) return;
    count = line;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      fail(line, `not JSON (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    const isLong = typeof value === 'object' && value !== null && 'model' in value && !('outcomes' in value);
    if (isLong) {
      const parsed = LongOutcomeLineSchema.safeParse(value);
      if (!parsed.success) return fail(line, describe(parsed.error));
      const { prompt_id, prompt, model, source, family, category, ...outcome } = parsed.data;
      const existing = byId.get(prompt_id);
      if (existing) {
        if (existing.prompt !== prompt) return fail(line, `prompt_id "${prompt_id}" has another prompt on line ${firstLine.get(prompt_id)}`);
        if (existing.outcomes[model]) return fail(line, `model "${model}" appears twice for prompt_id "${prompt_id}"`);
        existing.outcomes[model] = outcome;
        return;
      }
      firstLine.set(prompt_id, line);
      byId.set(prompt_id, { id: prompt_id, prompt, source: source ?? defaults.source ?? 'import', family: family ?? 'unknown', category: category ?? family ?? 'unknown', outcomes: { [model]: outcome } });
      return;
    }
    const parsed = WideOutcomeLineSchema.safeParse(value);
    if (!parsed.success) return fail(line, describe(parsed.error));
    const r = parsed.data;
    if (byId.has(r.id)) return fail(line, `id "${r.id}" already appears on line ${firstLine.get(r.id)}`);
    firstLine.set(r.id, line);
    byId.set(r.id, { id: r.id, prompt: r.prompt, source: r.source ?? defaults.source ?? 'import', family: r.family ?? 'unknown', category: r.category ?? r.family ?? 'unknown', outcomes: r.outcomes });
  });
  if (count === 0 && errors.length === 0) errors.push({ line: 1, message: 'the file has no outcome lines' });
  return { records: [...byId.values()], errors, lines: count };
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(line)'}: ${i.message}`)
    .join('; ');
}
