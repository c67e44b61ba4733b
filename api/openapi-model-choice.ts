/**
 * The cross-field rules of completion and RAG requests that zod's JSON Schema leaves out (they
 * are checked after the schema: api/completion-plan.ts modelChoiceProblems, and stream with
 * background in api/routes/completions.ts), written as JSON Schema so the document refuses what
 * the server refuses: at most one of `model`, `models` and `policy` (none: the tenant's default
 * policy); and, where the request has both, never `stream` and `background` together.
 */
const AT_MOST_ONE_MODEL_CHOICE = {
  anyOf: [{ required: ['model', 'models'] }, { required: ['model', 'policy'] }, { required: ['models', 'policy'] }],
};
const STREAM_AND_BACKGROUND = {
  required: ['stream', 'background'],
  properties: { stream: { const: true }, background: { const: true } },
};

export function withModelChoiceRule<T extends object>(schema: T, options: { streamOrBackground?: boolean } = {}): T & { not: object } {
  const refused = options.streamOrBackground ? { anyOf: [AT_MOST_ONE_MODEL_CHOICE, STREAM_AND_BACKGROUND] } : AT_MOST_ONE_MODEL_CHOICE;
  return { ...schema, not: refused };
}
