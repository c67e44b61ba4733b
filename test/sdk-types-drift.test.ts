import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES, generatePython, generateTypeScript } from '../scripts/generate-sdk-types.ts';

/**
 * The SDKs' generated wire types are committed; they must be what the OpenAPI document says
 * today. On a failure, run `npm run sdk:generate` and commit the result.
 */
describe('generated SDK types', () => {
  it('sdk/typescript/src/generated/api-types.ts matches the OpenAPI document', () => {
    expect(readFileSync(GENERATED_FILES.typescript, 'utf8'), 'stale: run npm run sdk:generate').toBe(generateTypeScript());
  });

  it('sdk/python/somaagent/_generated_types.py matches the OpenAPI document', () => {
    expect(readFileSync(GENERATED_FILES.python, 'utf8'), 'stale: run npm run sdk:generate').toBe(generatePython());
  });

  it('covers the main response shapes', () => {
    const ts = generateTypeScript();
    for (const name of ['Completion', 'Run', 'Error', 'Model', 'PromptTemplateVersion', 'Experiment', 'Document', 'SearchResult']) {
      expect(ts).toContain(`export interface ${name} {`);
    }
    expect(ts).toContain('estimated_cost_usd: number;');
  });
});
