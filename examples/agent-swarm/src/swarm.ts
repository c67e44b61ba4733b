/**
 * A research swarm on SomaAgent, defined as data and run over the HTTP API:
 *
 *   planner ──start_agent──▶ researcher (memory)   ┐ child workflows, in parallel,
 *           ──start_agent──▶ researcher (web) ◀─ approval   each with a slice of the budget
 *           ──transfer_to_writer──▶ writer (combines the findings into the report)
 *
 * - `research_memory` / `research_web`: the built-in `start_agent` registered under two names,
 *   so the planner can start both in one turn; the web one needs a person's OK (it makes
 *   outbound calls), which is the run's one approval.
 * - `researcher`: `memory_search` over the team's notes and `fetch_source`, an HTTP tool.
 * - `writer`: takes the conversation over (a handoff) and writes the report.
 *
 * Plain fetch, no SDK, so every request is visible; `client.agents` in the SDKs does the same.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Api {
  baseUrl: string;
  apiKey: string;
}

export interface SwarmOptions {
  /** URL template of the HTTP tool; `{topic}` is filled from the arguments. */
  sourceUrl: string;
  /** Only for a source on this machine (the operator must allow it too: OUTBOUND_ALLOW_HOSTS). */
  allowPrivateNetwork?: boolean;
  /** Every agent's model (default gpt-4o-mini; the emulator answers for it when no OpenAI key is set). */
  model?: string;
  /** A cost limit for the whole swarm (the planner's, sliced among its children). */
  maxCostUsd?: number;
}

export const NOTES_COLLECTION = 'swarm-notes';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(api: Api, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json: Json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${json?.error?.code ?? ''} ${json?.error?.message ?? text}`);
  return json;
}

export function swarmTools(options: SwarmOptions): Json[] {
  return [
    {
      name: 'fetch_source',
      kind: 'http',
      description: 'Fetches a short public summary of a topic (one word or a page title).',
      input_schema: { type: 'object', properties: { topic: { type: 'string', description: 'The topic, e.g. Temporal' } }, required: ['topic'] },
      http: { method: 'GET', url: options.sourceUrl, ...(options.allowPrivateNetwork && { allow_private_network: true }), max_response_bytes: 65_536 },
      timeout_ms: 10_000,
    },
    { name: 'research_memory', kind: 'builtin', builtin: 'start_agent', description: "Starts a researcher agent on a question best answered from the team's notes." },
    {
      name: 'research_web',
      kind: 'builtin',
      builtin: 'start_agent',
      description: 'Starts a researcher agent that may fetch public sources. A person approves each one: it makes outbound calls.',
      requires_approval: true,
    },
  ];
}

export function swarmAgents(options: SwarmOptions): Json[] {
  // Not `auto`: a turn after tool results must go to a model that reads tool messages, and `auto`
  // only asks for that capability when the turn itself offers tools (the writer's does not).
  const model = options.model ?? 'gpt-4o-mini';
  return [
    {
      name: 'researcher',
      description: 'Answers one research question with the tools it has.',
      instructions: "You research one question. Use memory_search for the team's notes and fetch_source for public sources. Answer with the facts you found and where each came from.",
      model,
      tools: ['memory_search', 'fetch_source'],
      max_steps: 4,
    },
    {
      name: 'writer',
      description: 'Writes the final report from the findings in the conversation.',
      instructions: 'You write a short report from the research findings in this conversation: a summary, then the facts with their sources. Say which research failed, if any did.',
      model,
      max_steps: 2,
    },
    {
      name: 'planner',
      description: 'Splits a question, starts researchers in parallel, then hands over to the writer.',
      instructions:
        'You plan research. Split the question into sub-questions and start one researcher per sub-question in the same turn, with research_memory (team notes) and research_web (public sources), giving each the agent name "researcher" and a self-contained task. When they have answered, transfer_to_writer.',
      model,
      tools: ['research_memory', 'research_web'],
      handoffs: ['writer'],
      max_steps: 4,
      ...(options.maxCostUsd !== undefined && { max_cost_usd: options.maxCostUsd }),
    },
  ];
}

/** The team's notes (notes/*.md) for the researchers' memory_search. */
export function readNotes(): Array<{ source: string; title: string; text: string }> {
  const dir = new URL('../notes/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => {
      const text = readFileSync(new URL(f, dir), 'utf8');
      return { source: `notes/${f}`, title: /^#\s+(.+)$/m.exec(text)?.[1] ?? f, text };
    });
}

/** Ingests the notes, registers the tools, defines the agents (each call adds a version). */
export async function setUpSwarm(api: Api, options: SwarmOptions): Promise<void> {
  await call(api, 'POST', '/v1/memory/documents', { collection: NOTES_COLLECTION, documents: readNotes(), wait: true });
  for (const tool of swarmTools(options)) await call(api, 'POST', '/v1/tools', tool);
  for (const agent of swarmAgents(options)) await call(api, 'POST', '/v1/agents', agent);
}

/**
 * The planner's task. The explicit `agent=…` / `input="…"` / `topic=…` make the request
 * unambiguous, which also lets the platform's model emulator (no API key set) play every part.
 */
export function researchTask(topic: string): string {
  const word = topic.replace(/[^A-Za-z0-9_-]+/g, '_');
  return `Research ${topic}. Start research_memory and research_web with agent=researcher input="Use memory_search and fetch_source: query=${word} topic=${word}", then transfer_to_writer.`;
}

export interface SwarmEvent {
  type: string;
  data: Json;
}

export interface ApprovalRequest {
  runId: string;
  callId: string;
  tool: string;
  arguments: string;
}

export interface ApprovalAnswer {
  decision: 'approve' | 'reject';
  reason?: string;
}

export interface ResearchResult {
  runId: string;
  status: string;
  stopReason: string;
  output: string;
  costUsd: number;
  agents: string[];
  events: SwarmEvent[];
}

/** Server-Sent Events from a fetch body: `event:` and `data:` lines, blank-line separated. */
async function* sse(body: ReadableStream<Uint8Array>): AsyncGenerator<SwarmEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) yield { type, data: JSON.parse(data.join('\n')) };
    }
  }
}

/**
 * Starts the planner with its events streamed; each approval request goes to `onApproval`, whose
 * answer is sent with this key (the approver is the key, never a field). Answers the final state.
 */
export async function runResearch(api: Api, topic: string, onApproval: (request: ApprovalRequest) => Promise<ApprovalAnswer>, onEvent?: (event: SwarmEvent) => void): Promise<ResearchResult> {
  const res = await fetch(`${api.baseUrl}/v1/agents/planner/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input: researchTask(topic), stream: true }),
  });
  if (!res.ok || !res.body) throw new Error(`starting the planner: HTTP ${res.status} ${await res.text()}`);
  const events: SwarmEvent[] = [];
  let runId = '';
  for await (const event of sse(res.body)) {
    events.push(event);
    onEvent?.(event);
    if (event.type === 'run') runId = event.data.id;
    if (event.type === 'approval_needed') {
      const { call_id: callId, tool, arguments: args } = event.data.data;
      const answer = await onApproval({ runId, callId, tool, arguments: args });
      await call(api, 'POST', `/v1/runs/${runId}/approvals`, { call_id: callId, decision: answer.decision, ...(answer.reason && { reason: answer.reason }) });
    }
    if (event.type === 'end' || (event.type === 'error' && event.data.error)) break;
  }
  const state = await call(api, 'GET', `/v1/runs/${runId}/agent`);
  const agents = events.filter((e) => e.type === 'handoff').map((e) => e.data.data.to as string);
  return {
    runId,
    status: state.status,
    stopReason: state.stop_reason,
    output: state.output ?? '',
    costUsd: state.cost_usd,
    agents: ['planner', ...agents],
    events,
  };
}
