/** `somaagent agents list|show|create|run|approve|reject|approvals`: agents and their runs' approvals. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AgentCreateParams, AgentEvent } from '@somaagent/sdk';
import { NO_RETRY } from '../api.ts';
import { contextOf, type Context } from '../context.ts';
import { colorStatus, jsonOrString, positiveInt, shortTime, usd } from '../format.ts';

/** One event as a line: what happened, in the terminal's words. */
function describe(event: AgentEvent): string {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'run_started':
      return `started ${String(d.agent)} v${String(d.version)} (max ${String(d.max_steps)} steps)`;
    case 'step_started':
      return `step ${String(d.step)}${d.corrective ? ' (corrective)' : ''}`;
    case 'tool_call':
      return `  → ${String(d.tool)}(${String(d.arguments)})  [${String(d.call_id)}]`;
    case 'tool_result':
      return `  ← ${String(d.tool)}: ${String(d.status)}${d.error ? ` ${JSON.stringify(d.error)}` : ''}`;
    case 'approval_needed':
      return `  ⏸ ${String(d.tool)} needs approval: somaagent agents approve <run> ${String(d.call_id)}  (${String(d.timeout_action)} at ${String(d.expires_at)})`;
    case 'approval_resolved':
      return `  ✓ ${String(d.call_id)}: ${String(d.decision)}${d.timed_out ? ' (timed out)' : ''}`;
    case 'handoff':
      return `handoff ${String(d.from)} → ${String(d.to)}`;
    case 'final':
      return `${String(d.status)} (${String(d.stop_reason)}), ${usd(d.cost_usd)}`;
    case 'error':
      return `failed: ${String(d.code)}: ${String(d.message)}`;
    default:
      return event.type;
  }
}

async function decide(ctx: Context, runId: string, callId: string, decision: 'approve' | 'reject', options: { reason?: string; args?: string }): Promise<void> {
  const client = await ctx.client();
  let body;
  if (options.args !== undefined) {
    const parsed = jsonOrString(options.args);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--args takes a JSON object, e.g. \'{"q": "munich"}\'.');
    body = { call_id: callId, decision: 'edit' as const, arguments: parsed as Record<string, unknown>, ...(options.reason && { reason: options.reason }) };
  } else {
    body = { call_id: callId, decision, ...(options.reason && { reason: options.reason }) };
  }
  const accepted = await client.agents.approvals.decide(runId, body, NO_RETRY);
  ctx.out.result(accepted, (a) => ctx.out.line(`${ctx.out.style.green('✓')} ${a.decision} sent for ${a.call_id} of ${a.run_id}, as ${a.approver.key_name ?? a.approver.key_id}.`));
}

export function registerAgents(program: Command): void {
  const agents = program.command('agents').description('define agents, run them, and approve their tool calls');

  agents
    .command('list')
    .description("the tenant's agents")
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const body = await (await ctx.client()).agents.list();
      ctx.out.result(body, (b) => {
        if (b.data.length === 0) return ctx.out.note('No agents yet: somaagent agents create --file agent.json');
        ctx.out.table(
          ['NAME', 'VERSION', 'LABELS', 'TOOLS', 'UPDATED'],
          b.data.map((a) => [a.name, String(a.latest_version), Object.entries(a.labels).map(([l, v]) => `${l}=${v}`).join(' ') || '-', ((a.definition.tools as string[] | undefined) ?? []).join(',') || '-', shortTime(a.updated_at)]),
        );
      });
    });

  agents
    .command('show')
    .description('an agent definition, or (with a run id) an agent run: status, steps, cost, pending approvals')
    .argument('<name-or-run>', 'an agent name, or a run id (agent-...)')
    .option('--version <n>', 'a version of the agent', positiveInt)
    .option('--label <label>', 'a label of the agent')
    .action(async (target: string, options: { version?: number; label?: string }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const { out } = ctx;
      if (/^agent-/.test(target) && target.split('-').length > 2) {
        const run = await client.agents.getRun(target);
        out.result(run, (r) => {
          out.line(`${out.style.dim('run'.padEnd(9))} ${r.id}`);
          out.line(`${out.style.dim('status'.padEnd(9))} ${colorStatus(r.status, out.style)}${r.stop_reason ? ` (${r.stop_reason})` : ''}`);
          out.line(`${out.style.dim('agent'.padEnd(9))} ${r.agent} v${r.version}`);
          out.line(`${out.style.dim('steps'.padEnd(9))} ${r.step} / ${r.max_steps}`);
          out.line(`${out.style.dim('cost'.padEnd(9))} ${usd(r.cost_usd)}${r.max_cost_usd === null ? '' : ` of ${usd(r.max_cost_usd)}`}`);
          for (const step of r.steps) {
            out.line(`step ${step.index}: ${step.model ?? '?'}, ${usd(step.cost_usd)}${step.latency_ms === undefined ? '' : `, ${Math.round(step.latency_ms)} ms`}`);
            for (const call of step.tool_calls) out.line(`  ${call.name}(${call.arguments}) ${call.status}${call.approval ? ` [${call.approval.decision} by ${call.approval.by?.key_name ?? call.approval.by?.key_id ?? 'time-out'}]` : ''}`);
          }
          for (const p of r.pending) out.line(out.style.yellow(`waiting: ${p.tool_name}(${p.arguments}) — somaagent agents approve ${r.id} ${p.call_id}`));
          if (r.output) {
            out.line();
            out.line(r.output);
          }
        });
        return;
      }
      const agent = await client.agents.get(target, { ...(options.version && { version: options.version }), ...(options.label && { label: options.label }) });
      out.result(agent, (a) => {
        out.line(`${a.name} v${a.version} (latest ${a.latest_version})${Object.keys(a.labels).length ? `  labels: ${Object.entries(a.labels).map(([l, v]) => `${l}=${v}`).join(' ')}` : ''}`);
        out.line(JSON.stringify(a.definition, null, 2));
      });
    });

  agents
    .command('create')
    .description('define an agent (or add a version) from a JSON file: name, instructions, model, tools, limits')
    .requiredOption('-f, --file <path>', 'the definition (JSON)')
    .action(async (options: { file: string }, command: Command) => {
      const ctx = contextOf(command);
      const definition = JSON.parse(await readFile(options.file, 'utf8')) as AgentCreateParams;
      const agent = await (await ctx.client()).agents.create(definition, NO_RETRY);
      ctx.out.result(agent, (a) => ctx.out.line(`${ctx.out.style.green('✓')} ${a.name} version ${a.version}.`));
    });

  agents
    .command('run')
    .description('run an agent and stream its events until it ends')
    .argument('<name>', 'agent name')
    .argument('<input...>', "the user's message")
    .option('--version <n>', 'a version', positiveInt)
    .option('--label <label>', 'a label')
    .option('--detach', 'start it and print the run id without waiting')
    .action(async (name: string, input: string[], options: { version?: number; label?: string; detach?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const params = { input: input.join(' '), ...(options.version && { version: options.version }), ...(options.label && { label: options.label }) };
      if (options.detach) {
        const run = await client.agents.run(name, params, NO_RETRY);
        ctx.out.result(run, (r) => ctx.out.line(r.id));
        return;
      }
      const stream = await client.agents.run(name, { ...params, stream: true }, NO_RETRY);
      const events: AgentEvent[] = [];
      let final: AgentEvent | undefined;
      for await (const event of stream) {
        if (events.length === 0 && !ctx.out.json) ctx.out.line(ctx.out.style.dim(`run ${stream.runId ?? ''}`));
        events.push(event);
        if (event.type === 'final' || event.type === 'error') final = event;
        // Tokens are not echoed one per line: the answer is printed whole at the end.
        if (!ctx.out.json && event.type !== 'model_text_delta') ctx.out.line(describe(event));
      }
      if (ctx.out.json) ctx.out.data({ id: stream.runId, events });
      else if (final?.type === 'final' && typeof final.data.output === 'string' && final.data.output) {
        ctx.out.line();
        ctx.out.line(final.data.output);
      }
      if (final?.type === 'error') process.exitCode = 1;
    });

  agents
    .command('approvals')
    .description("a run's calls waiting for approval, and the decisions made")
    .argument('<run>', 'run id')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const list = await (await ctx.client()).agents.approvals.list(runId);
      ctx.out.result(list, (l) => {
        if (l.pending.length === 0 && l.decided.length === 0) return ctx.out.note('No approvals in this run.');
        ctx.out.table(
          ['CALL', 'TOOL', 'STATE', 'BY', 'ARGUMENTS / REASON'],
          [
            ...l.pending.map((p) => [p.call_id, p.tool_name, 'waiting', '-', p.arguments]),
            ...l.decided.map((d) => [d.call_id, d.tool_name, d.timed_out ? `${d.decision} (time-out)` : d.decision, d.approver?.key_name ?? d.approver?.key_id ?? '-', d.reason ?? '']),
          ],
        );
      });
    });

  agents
    .command('approve')
    .description('approve a waiting tool call (needs an approver or admin key); --args runs it with other arguments')
    .argument('<run>', 'run id')
    .argument('<call-id>', 'the waiting call (see: somaagent agents approvals <run>)')
    .option('--reason <text>', 'why, for the audit trail')
    .option('--args <json>', 'run the call with these arguments instead (a JSON object)')
    .action(async (runId: string, callId: string, options: { reason?: string; args?: string }, command: Command) => {
      await decide(contextOf(command), runId, callId, 'approve', options);
    });

  agents
    .command('reject')
    .description('reject a waiting tool call (needs an approver or admin key)')
    .argument('<run>', 'run id')
    .argument('<call-id>', 'the waiting call')
    .option('--reason <text>', 'why: the model reads it')
    .action(async (runId: string, callId: string, options: { reason?: string }, command: Command) => {
      await decide(contextOf(command), runId, callId, 'reject', options);
    });
}
