/**
 * Asks the project's deployed prompt a question through the SomaAgent SDK:
 *
 *   npm start -- "How do I reset my password?"
 *
 * Deploy first (`somaagent deploy`), so the prompt template and the model policy exist on the
 * server. The key and address come from SOMAAGENT_API_KEY and SOMAAGENT_BASE_URL.
 */
import { readFileSync } from 'node:fs';
import { SomaAgent } from '@somaagent/sdk';

interface Manifest {
  prompts: string[];
  policies: Record<string, unknown>;
  capsule?: { model_policy?: unknown };
}

const manifest = JSON.parse(readFileSync(new URL('../somaagent.json', import.meta.url), 'utf8')) as Manifest;
// The first prompt file answers questions; the file is named after its template.
const template = manifest.prompts[0]!.replace(/^.*\//, '').replace(/\.md$/, '');
const policy = typeof manifest.capsule?.model_policy === 'string' ? manifest.capsule.model_policy : Object.keys(manifest.policies)[0]!;

const client = new SomaAgent();
const question = process.argv.slice(2).join(' ') || 'How do I reset my password?';

const stream = await client.completions.stream({
  policy,
  template: { name: template, label: 'production', variables: { product: 'Acme Cloud', question } },
});
for await (const event of stream) {
  if (event.type === 'delta') process.stdout.write(event.text);
  if (event.type === 'completion') process.stdout.write(`\n\n(${event.completion.model}, run ${event.completion.id})\n`);
}
