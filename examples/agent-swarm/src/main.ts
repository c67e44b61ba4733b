/**
 * Runs the research swarm against a SomaAgent platform:
 *
 *   npm start -- "Temporal"             # set up (idempotent: each run adds versions) and research
 *   npm start -- "Temporal" --yes       # approve the web researcher without asking
 *
 * SOMAAGENT_BASE_URL (default http://127.0.0.1:8080) and SOMAAGENT_API_KEY: an admin key (it
 * registers tools) that may approve — `npm start` in the platform prints one.
 * SWARM_SOURCE_URL: the HTTP tool's URL template (default: Wikipedia's page summary API).
 * SWARM_MODEL: every agent's model (default gpt-4o-mini).
 * SWARM_SOURCE_PRIVATE=1: the source is on a private or loopback address (the platform must allow
 * it too, with OUTBOUND_ALLOW_HOSTS).
 */
import { createInterface } from 'node:readline/promises';
import { runResearch, setUpSwarm, type ApprovalAnswer, type ApprovalRequest } from './swarm.ts';

const args = process.argv.slice(2);
const yes = args.includes('--yes');
const topic = args.filter((a) => a !== '--yes').join(' ') || 'Temporal';
const apiKey = process.env.SOMAAGENT_API_KEY;
if (!apiKey) {
  process.stderr.write('Set SOMAAGENT_API_KEY to an admin key (npm start in the platform prints one).\n');
  process.exit(2);
}
const api = { baseUrl: process.env.SOMAAGENT_BASE_URL ?? 'http://127.0.0.1:8080', apiKey };
const sourceUrl = process.env.SWARM_SOURCE_URL ?? 'https://en.wikipedia.org/api/rest_v1/page/summary/{topic}';

async function ask(request: ApprovalRequest): Promise<ApprovalAnswer> {
  process.stdout.write(`\nApproval needed on run ${request.runId}: ${request.tool}(${request.arguments})\n`);
  process.stdout.write(`  (or from another terminal: somaagent agents approve ${request.runId} ${request.callId})\n`);
  if (yes) return { decision: 'approve', reason: 'approved with --yes' };
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = (await rl.question('Approve? [y/N] ')).trim().toLowerCase();
  rl.close();
  return answer === 'y' || answer === 'yes' ? { decision: 'approve', reason: 'approved at the terminal' } : { decision: 'reject', reason: 'rejected at the terminal' };
}

await setUpSwarm(api, {
  sourceUrl,
  // A source on your own network: the tool opts in, and the platform must allow it (OUTBOUND_ALLOW_HOSTS).
  allowPrivateNetwork: process.env.SWARM_SOURCE_PRIVATE === '1',
  ...(process.env.SWARM_MODEL && { model: process.env.SWARM_MODEL }),
});
const result = await runResearch(api, topic, ask, (event) => {
  const d = event.data?.data ?? {};
  if (event.type === 'step_started') process.stdout.write(`step ${d.step}\n`);
  if (event.type === 'tool_call') process.stdout.write(`  -> ${d.tool} ${d.arguments}\n`);
  if (event.type === 'tool_result') process.stdout.write(`  <- ${d.tool}: ${d.status}\n`);
  if (event.type === 'handoff') process.stdout.write(`  handoff ${d.from} -> ${d.to}\n`);
  if (event.type === 'error') process.stdout.write(`  error ${d.code ?? event.data?.error?.code}: ${d.message ?? event.data?.error?.message}\n`);
});
process.stdout.write(`\n${result.output}\n\n(run ${result.runId}: ${result.status}/${result.stopReason}, agents ${result.agents.join(' -> ')}, cost ${result.costUsd.toFixed(6)} USD)\n`);
process.stdout.write(`Watch the tree in the Temporal Web UI: workflow ids starting with ${result.runId}\n`);
