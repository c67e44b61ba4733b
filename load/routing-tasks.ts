import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * One benchmark task: a request plus, per model id, the quality its answer earned (0–1) and,
 * optionally, measured token counts. The same shape RouterBench-style datasets reduce to, so a
 * public benchmark can be converted line by line.
 */
export const RoutingTaskSchema = z.object({
  id: z.string(),
  class: z.string().optional(),
  /**
   * `fresh`: written after the estimator and its tuned settings were frozen; the benchmark never
   * tunes on these and reports them separately. Absent or `dev`: development tasks.
   */
  split: z.enum(['dev', 'fresh']).optional(),
  messages: z.array(z.object({ role: z.string(), content: z.string() })).min(1),
  /** Output tokens of a typical answer; used for every model when `tokens` is absent. */
  output_tokens: z.number().int().positive(),
  input_tokens: z.number().int().positive().optional(),
  quality: z.record(z.string(), z.number().min(0).max(1)),
});

export type RoutingTask = z.infer<typeof RoutingTaskSchema>;

export function readRoutingTasks(path: string): RoutingTask[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, i) => {
      const parsed = RoutingTaskSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path}:${i + 1}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}
