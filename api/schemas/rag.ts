import { z } from 'zod';
import { CompletionSchema } from './completions.ts';
import { SearchSourceSchema } from './search-source.ts';

/** POST /v1/rag's answer. ragResponse in api/routes/rag.ts is typed by it. */

const passage = {
  label: z.string().describe('`1`, `2`, ...: what the answer cites as [1], [2].'),
  id: z.string().describe('The chunk or message id.'),
  score: z.number(),
  source: SearchSourceSchema,
};

export const RagAnswerSchema = z.object({
  id: z.string().describe('The RAG run id.'),
  object: z.literal('rag'),
  answer: z.string(),
  citations: z.array(z.object({ ...passage, text: z.string() })).describe('The passages the answer cites, with their text, in first-cited order.'),
  invalid_citations: z.array(z.string()).describe('Labels the answer cites that were not in its context: support it claims but does not have.'),
  context: z.array(z.object(passage)).describe('Everything that was put in front of the model, best first.'),
  completion: CompletionSchema.nullable().describe("The answer's completion run (model, usage, cost, attempt history); null when nothing was retrieved and no model was called."),
});

export type RagAnswerJson = z.infer<typeof RagAnswerSchema>;
