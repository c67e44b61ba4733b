import type { Pool } from '../../platform/db/pool.ts';
import { createPromptExperimentStore } from '../../stores/prompt-experiments.ts';
import { createPromptTemplateStore } from '../../stores/prompt-templates.ts';
import { createPromptRenderer } from './prompt-renderer.ts';
import { createPromptResolver, type PromptResolverOptions } from './prompt-resolver.ts';
import type { RenderLimits } from './render-budget.ts';
import { createTemplateEngine } from './template-engine.ts';

/** Everything the API needs for prompt templates, built once per process over one pool. */
export function createPromptServices(pool: Pool, options: { limits?: Partial<RenderLimits>; resolver?: PromptResolverOptions } = {}) {
  const templates = createPromptTemplateStore(pool);
  const engine = createTemplateEngine(options.limits);
  const resolver = createPromptResolver(templates, options.resolver);
  return {
    templates,
    experiments: createPromptExperimentStore(pool),
    engine,
    renderer: createPromptRenderer({ engine, resolver }),
  };
}

export type PromptServices = ReturnType<typeof createPromptServices>;
