/**
 * The tool activities the agent workflow calls: resolveTools and executeTool. The contract
 * (names, inputs, results, failure types, how to proxy) is core/tools/tool-activity-contract.ts.
 *
 * executeTool, in order: a recorded result for the idempotency key is returned as it is (a retry
 * after a completed attempt calls nothing); the tool is resolved (pin `name@version` to avoid a
 * version written in between); the arguments are parsed and checked against the input schema; the
 * call runs; its outcome, with every secret value redacted, is recorded and returned. Secrets are
 * read here by name, never passed in or out.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MemorySearch } from '../../core/memory/memory-search.ts';
import type { PromptRenderer } from '../../core/prompts/prompt-renderer.ts';
import { parseTemplateRef } from '../../core/prompts/prompt-renderer.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import { executeHttpTool, ToolRetryableError, type HttpToolOutcome } from '../../core/tools/execute-http-tool.ts';
import { ToolArgumentError } from '../../core/tools/http-tool-request.ts';
import { redact, secretForms } from '../../core/tools/secret-redaction.ts';
import type { ExecuteToolInput, ResolvedTool, ResolveToolsInput, ToolActivityContract, ToolExecutionResult } from '../../core/tools/tool-activity-contract.ts';
import { argumentProblems } from '../../core/tools/tool-input-schema.ts';
import { allTools, resolveToolRef, type ToolResolution } from '../../core/tools/tool-registry.ts';
import type { OutboundClient } from '../../platform/outbound/outbound-client.ts';
import type { TenantSecretStore } from '../../stores/tenant-secrets.ts';
import type { ToolExecutionStore, RecordedResult } from '../../stores/tool-executions.ts';
import type { ToolStore } from '../../stores/tools.ts';

export interface ToolActivityDeps {
  tools: ToolStore;
  secrets: TenantSecretStore;
  executions: ToolExecutionStore;
  /** Every HTTP tool call goes through it (the platform's outbound policy, narrowed per tool). */
  outbound: OutboundClient;
  search: MemorySearch;
  renderer: PromptRenderer;
}

type Outcome = HttpToolOutcome;

const failure = (code: string, message: string): Outcome => ({ ok: false, error: { code, message } });

/** The activity's cancellation signal; none when the function runs outside a worker. */
function cancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

function parseArguments(raw: ExecuteToolInput['arguments']): Record<string, unknown> | string {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return 'the arguments are not valid JSON';
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'the arguments must be a JSON object';
  return value as Record<string, unknown>;
}

export function createToolActivities(deps: ToolActivityDeps) {
  async function runBuiltin(tenantId: string, builtin: NonNullable<ResolvedTool['builtin']>, args: Record<string, unknown>): Promise<Outcome> {
    switch (builtin) {
      case 'memory_search': {
        const sources = (args.sources as string[] | undefined) ?? ['documents'];
        const hits = await deps.search.search({
          tenantId,
          query: String(args.query),
          k: Number(args.k ?? 5),
          mode: 'hybrid',
          documents: sources.includes('documents'),
          conversations: sources.includes('conversations'),
          collections: args.collections as string[] | undefined,
        });
        return { ok: true, content: JSON.stringify(hits.map((h) => ({ id: h.id, score: h.score, text: h.text, source: h.source }))) };
      }
      case 'render_prompt': {
        const ref = parseTemplateRef(String(args.template));
        if (!ref) return failure('invalid_arguments', `"${String(args.template)}" is not a template reference (name, name@3 or name@label)`);
        try {
          const rendered = await deps.renderer.render(tenantId, ref.name, ref.selector, (args.variables as Record<string, unknown> | undefined) ?? {});
          return { ok: true, content: rendered.type === 'text' ? rendered.text : JSON.stringify(rendered.messages) };
        } catch (err) {
          // A missing template or bad variables will not change on retry: the model may fix its call.
          if (err instanceof DomainError) return failure(err.code, err.publicMessage);
          throw err;
        }
      }
      default:
        return failure('executed_by_workflow', `${builtin} is run by the agent workflow, not by executeTool`);
    }
  }

  async function run(input: ExecuteToolInput, found: ToolResolution, args: Record<string, unknown>): Promise<{ outcome: Outcome; forms: string[] }> {
    const { resolved, spec } = found;
    if (resolved.kind === 'builtin') return { outcome: await runBuiltin(input.tenantId, resolved.builtin!, args), forms: [] };
    if (spec?.kind !== 'http') return { outcome: failure('tool_failed', 'the tool has no HTTP definition'), forms: [] };
    let secret: string | undefined;
    let forms: string[] = [];
    if (spec.http.auth) {
      secret = await deps.secrets.reveal(input.tenantId, spec.http.auth.secret);
      if (secret === undefined) return { outcome: failure('secret_missing', `the tool authenticates with secret "${spec.http.auth.secret}", which this tenant has not set`), forms };
      forms = secretForms(spec.http.auth, secret);
    }
    const signal = cancellation();
    const outcome = await executeHttpTool(deps.outbound, {
      http: spec.http,
      timeoutMs: resolved.timeoutMs,
      args,
      idempotencyKey: input.idempotencyKey,
      ...(secret !== undefined && { secret }),
      ...(signal && { signal }),
    });
    return { outcome, forms };
  }

  const activities: ToolActivityContract = {
    async resolveTools(input: ResolveToolsInput): Promise<ResolvedTool[]> {
      if (!input.names) {
        if (!input.all) return [];
        return allTools(deps.tools, input.tenantId);
      }
      const resolved: ResolvedTool[] = [];
      for (const ref of input.names) {
        const found = await resolveToolRef(deps.tools, input.tenantId, ref);
        // An agent naming a tool that does not exist is a definition error: no retry fixes it.
        if (!found) throw ApplicationFailure.nonRetryable(`no tool "${ref}" for this tenant`, 'tool_contract_error');
        resolved.push(found.resolved);
      }
      return resolved;
    },

    async executeTool(input: ExecuteToolInput): Promise<ToolExecutionResult> {
      const recorded = await deps.executions.find(input.tenantId, input.idempotencyKey);
      if (recorded) return { ...recorded.result, replayed: true };
      const started = Date.now();
      const found = await resolveToolRef(deps.tools, input.tenantId, input.toolName);
      if (!found) return { ...failure('unknown_tool', `no tool "${input.toolName}" for this tenant`), replayed: false };
      if (found.resolved.executor === 'agent') return { ...failure('executed_by_workflow', `${input.toolName} is run by the agent workflow, not by executeTool`), replayed: false };

      let outcome: Outcome;
      let forms: string[] = [];
      const args = parseArguments(input.arguments);
      if (typeof args === 'string') {
        outcome = failure('invalid_arguments', args);
      } else {
        const problems = argumentProblems(found.resolved.definition.parameters, args);
        if (problems.length > 0) {
          outcome = failure('invalid_arguments', `the arguments do not fit the tool's input schema: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
        } else {
          try {
            ({ outcome, forms } = await run(input, found, args));
          } catch (err) {
            if (err instanceof ToolArgumentError) outcome = failure(err.code, err.message);
            else if (err instanceof ToolRetryableError) throw ApplicationFailure.retryable(err.message, err.code);
            else throw err;
          }
        }
      }
      const result: RecordedResult = outcome.ok ? { ok: true, content: redact(outcome.content, forms) } : { ok: false, error: { code: outcome.error.code, message: redact(outcome.error.message, forms) } };
      const kept = await deps.executions.record(input.tenantId, input.idempotencyKey, {
        runId: input.runId,
        callId: input.callId,
        toolName: found.resolved.definition.name,
        toolVersion: found.resolved.version,
        result,
        durationMs: Date.now() - started,
      });
      return { ...kept.result, replayed: false };
    },
  };
  return activities;
}

export type ToolActivities = ReturnType<typeof createToolActivities>;
