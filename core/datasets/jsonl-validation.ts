import { TrainingExampleSchema, type TrainingExample } from './training-example.ts';

/** One problem with an uploaded file, at the 1-based line it is on (what an editor shows). */
export interface JsonlLineError {
  line: number;
  message: string;
}

export type JsonlValidation =
  | { ok: true; examples: TrainingExample[] }
  | { ok: false; errors: JsonlLineError[]; truncated: boolean };

/** Past this many errors the file is clearly the wrong one; more lines of errors help nobody. */
export const MAX_REPORTED_LINE_ERRORS = 100;

/**
 * Reads an uploaded JSONL training file in full before anything is kept: every line is parsed
 * and checked against the chat fine-tuning format, and one bad line rejects the whole file, so
 * a dataset is never half-imported. Blank lines (a trailing newline, say) are allowed.
 */
export function validateTrainingJsonl(text: string, maxErrors = MAX_REPORTED_LINE_ERRORS): JsonlValidation {
  const examples: TrainingExample[] = [];
  const errors: JsonlLineError[] = [];
  let errorCount = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const problem = lineProblem(raw);
    if (typeof problem === 'string') {
      errorCount++;
      if (errors.length < maxErrors) errors.push({ line: i + 1, message: problem });
    } else {
      examples.push(problem);
    }
  }
  if (errorCount > 0) return { ok: false, errors, truncated: errorCount > errors.length };
  if (examples.length === 0) return { ok: false, errors: [{ line: 1, message: 'the file holds no examples' }], truncated: false };
  return { ok: true, examples };
}

function lineProblem(raw: string): TrainingExample | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`;
  }
  const parsed = TrainingExampleSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(line)'}: ${i.message}`).join('; ');
}
