import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { ProviderId } from '../../core/providers/provider.ts';
import type { PromptRenderer } from '../../core/prompts/prompt-renderer.ts';
import { assignVariant } from '../../core/experiments/variant-assignment.ts';
import { approverOf } from '../../core/access/approval-signals.ts';
import { analyzeExperiment, type ExperimentAnalysis } from '../../core/experiments/experiment-analysis.ts';
import type { ApprovalDecision, ExperimentConfig, ExperimentInput } from '../../core/experiments/experiment-types.ts';
import type { Env } from '../../platform/config.ts';
import type { ExperimentRecord, PromptExperimentStore } from '../../stores/prompt-experiments.ts';
import type { PromptTemplateStore } from '../../stores/prompt-templates.ts';
import type { ModelRegistryCache } from '../../stores/model-registry-cache.ts';
import { ApiError, notFound } from '../api-error.ts';
import { principalOf } from '../middleware/auth.ts';
import { requireApprover } from '../middleware/key-roles.ts';
import { checkModelIds } from '../../core/routing/model-resolution.ts';
import { ApprovalSchema, AssignmentSchema, CreateExperimentSchema, ExperimentListQuerySchema, OutcomeSchema } from '../prompt-schemas.ts';
import { parseInput } from '../validation.ts';
import { runIdFor, startRun } from '../start-run.ts';
import { promptExperiment } from '../../workflows/prompt-experiment.ts';
import { renderedJson } from './prompts.ts';
import type { ExperimentJson, ExperimentResultsJson } from '../schemas/experiments.ts';

const TESTS = {
  welch_t_test: "Welch's unequal-variances t-test (two-sided) on the mean score",
  two_proportion_z_test: 'two-proportion z-test (pooled, two-sided) on the success rate',
} as const;

/** The key that decided; rows from before approvers carried names hold only its id. */
function approverJson(by: unknown): { key_id: string; key_name: string | null } | null {
  const approver = approverOf(by);
  return approver ? { key_id: approver.keyId, key_name: approver.keyName } : null;
}

const experimentJson = (e: ExperimentRecord): ExperimentJson => ({
  id: e.id,
  object: 'experiment',
  name: e.name,
  template: e.config.template,
  status: e.status,
  variants: e.config.variants,
  metric: e.config.metric,
  goal: e.config.goal,
  confidence: e.config.confidence,
  min_samples_per_variant: e.config.minSamplesPerVariant,
  max_duration_seconds: e.config.maxDurationMs / 1000,
  check_interval_seconds: e.config.checkIntervalMs / 1000,
  guardrail: e.config.guardrail && { alpha: e.config.guardrail.alpha, min_samples_per_variant: e.config.guardrail.minSamplesPerVariant },
  approval_timeout_seconds: e.config.approvalTimeoutMs / 1000,
  promote_label: e.config.promoteLabel,
  stop_reason: e.stopReason,
  recommendation: e.recommendation,
  decision: e.decision && {
    decision: e.decision.decision,
    by: approverJson(e.decision.by),
    comment: e.decision.comment,
    variant: e.decision.variant,
    label: e.decision.label,
    from_version: e.decision.fromVersion,
    to_version: e.decision.toVersion,
  },
  created_at: e.createdAt.toISOString(),
  updated_at: e.updatedAt.toISOString(),
});

function resultsJson(e: ExperimentRecord, a: ExperimentAnalysis): ExperimentResultsJson {
  const versionOf = new Map(e.config.variants.map((v) => [v.name, v.version]));
  return {
    object: 'experiment_results',
    experiment_id: e.id,
    status: e.status,
    metric: e.config.metric,
    goal: e.config.goal,
    test: a.test,
    test_description: TESTS[a.test],
    confidence: a.confidence,
    alpha: a.alpha,
    adjusted_alpha: a.adjustedAlpha,
    control: a.control,
    variants: a.variants.map((v) => ({
      name: v.name,
      version: versionOf.get(v.name) ?? null,
      exposures: v.exposures,
      outcomes: v.count,
      mean: v.mean,
      stddev: v.stddev,
      ci_low: v.ci?.[0] ?? null,
      ci_high: v.ci?.[1] ?? null,
      quarantined_outcomes: v.quarantined,
    })),
    // Stored values outside the allowed range, left out of the statistics (see docs: experiments).
    quarantined_outcomes: a.variants.reduce((sum, v) => sum + v.quarantined, 0),
    comparisons: a.comparisons.map((c) => ({
      variant: c.variant,
      control: c.control,
      difference: c.difference,
      ci_low: c.ci?.[0] ?? null,
      ci_high: c.ci?.[1] ?? null,
      statistic: c.statistic,
      df: c.df,
      p_value: c.pValue,
      significant: c.significant,
      better: c.better,
    })),
    sample_size_reached: a.sampleSizeReached,
    guardrail_breach: a.guardrailBreach && { variant: a.guardrailBreach.variant, p_value: a.guardrailBreach.pValue },
    recommendation: a.recommendation,
  };
}

export interface ExperimentRouteDeps {
  client: Client;
  env: Env;
  templates: PromptTemplateStore;
  experiments: PromptExperimentStore;
  renderer: PromptRenderer;
  availableProviders: ReadonlySet<ProviderId>;
  /** Variant models must be callable registry models, like any completion's. */
  models: ModelRegistryCache;
}

const conflict = (code: string, message: string) => new ApiError(409, 'conflict_error', code, message);

export function experimentsRouter(deps: ExperimentRouteDeps): Router {
  const router = Router();

  /** The tenant's experiment; another tenant's is not found, like a missing one. */
  async function ownedExperiment(req: Request): Promise<ExperimentRecord> {
    const { tenantId } = principalOf(req);
    const id = String(req.params.experimentId);
    const experiment = id.length <= 200 ? await deps.experiments.get(tenantId, id) : undefined;
    if (!experiment) throw notFound('experiment_not_found', `No experiment "${id}" exists for this tenant.`);
    return experiment;
  }

  router.post('/v1/experiments', async (req, res) => {
    const { tenantId, keyId } = principalOf(req);
    const body = parseInput(CreateExperimentSchema, req.body);
    const template = await deps.templates.getTemplate(tenantId, body.template);
    if (!template) throw notFound('template_not_found', `No prompt template "${body.template}".`);
    for (const variant of body.variants) {
      await deps.templates.getVersion(tenantId, body.template, { version: variant.version });
      if (variant.model !== undefined) checkModelIds([variant.model], await deps.models.models(), deps.availableProviders);
    }
    const config: ExperimentConfig = {
      template: body.template,
      variants: body.variants.map((v) => ({ name: v.name, version: v.version, model: v.model ?? null, weight: v.weight })),
      metric: body.metric,
      goal: body.goal,
      confidence: body.confidence,
      minSamplesPerVariant: body.min_samples_per_variant,
      maxDurationMs: Math.round(body.max_duration_seconds * 1000),
      checkIntervalMs: Math.round(body.check_interval_seconds * 1000),
      guardrail: body.guardrail && { alpha: body.guardrail.alpha, minSamplesPerVariant: body.guardrail.min_samples_per_variant },
      approvalTimeoutMs: Math.round(body.approval_timeout_seconds * 1000),
      promoteLabel: body.promote_label,
    };
    // The row exists before the workflow, so assignments can start the moment this returns.
    const id = runIdFor('prompt_experiment', tenantId);
    const record = await deps.experiments.create({ id, tenantId, templateId: template.id, name: body.name, config, createdBy: keyId });
    const input: ExperimentInput = { experimentId: id, tenantId, config, startedAtMs: Date.now(), checks: 0 };
    try {
      await startRun({
        client: deps.client,
        taskQueue: deps.env.TEMPORAL_TASK_QUEUE,
        workflow: promptExperiment,
        kind: 'prompt_experiment',
        tenantId,
        workflowId: id,
        args: [input],
        memo: { template: body.template, name: body.name },
      });
    } catch (err) {
      await deps.experiments.update(tenantId, id, { status: 'failed' });
      throw err;
    }
    res.status(201).location(`/v1/experiments/${id}`).json(experimentJson(record));
  });

  router.get('/v1/experiments', async (req, res) => {
    const { tenantId } = principalOf(req);
    const query = parseInput(ExperimentListQuerySchema, req.query, 'query string');
    res.json({ object: 'list', data: (await deps.experiments.list(tenantId, query.limit)).map(experimentJson) });
  });

  router.get('/v1/experiments/:experimentId', async (req, res) => {
    res.json(experimentJson(await ownedExperiment(req)));
  });

  router.post('/v1/experiments/:experimentId/assignments', async (req, res) => {
    const body = parseInput(AssignmentSchema, req.body);
    const experiment = await ownedExperiment(req);
    if (experiment.status !== 'running') throw conflict('experiment_not_running', `Experiment "${experiment.id}" is ${experiment.status}; it assigns no more subjects.`);
    const variant = assignVariant(experiment.id, body.subject_id, experiment.config.variants);
    // Render before recording, so a subject whose variables are invalid is not counted as exposed.
    const rendered = body.variables
      ? await deps.renderer.render(experiment.tenantId, experiment.config.template, { version: variant.version }, body.variables ?? {})
      : undefined;
    const exposure = await deps.experiments.recordExposure(experiment.id, body.subject_id, variant.name);
    res.json({
      object: 'experiment_assignment',
      experiment_id: experiment.id,
      subject_id: body.subject_id,
      variant: variant.name,
      template: experiment.config.template,
      version: variant.version,
      model: variant.model,
      first_exposure: exposure.first,
      ...(rendered && { rendered: renderedJson(rendered) }),
    });
  });

  router.post('/v1/experiments/:experimentId/outcomes', async (req, res) => {
    const body = parseInput(OutcomeSchema, req.body);
    const experiment = await ownedExperiment(req);
    const metric = experiment.config.metric;
    if ((metric === 'score') !== (body.value !== undefined)) {
      throw new ApiError(400, 'invalid_request_error', 'outcome_type_mismatch', `This experiment measures ${metric === 'score' ? 'a score: send "value"' : 'success: send "success"'}.`);
    }
    if (experiment.status !== 'running') throw conflict('experiment_not_running', `Experiment "${experiment.id}" is ${experiment.status}; it records no more outcomes.`);
    const value = body.value ?? (body.success ? 1 : 0);
    const recorded = await deps.experiments.recordOutcome(experiment.id, body.subject_id, value);
    if (!recorded) throw conflict('subject_not_exposed', `Subject "${body.subject_id}" was never assigned a variant in this experiment.`);
    res.json({ object: 'experiment_outcome', experiment_id: experiment.id, subject_id: body.subject_id, variant: recorded.variant, value });
  });

  router.get('/v1/experiments/:experimentId/results', async (req, res) => {
    const experiment = await ownedExperiment(req);
    const { config } = experiment;
    const samples = await deps.experiments.samples(experiment.id, config.variants.map((v) => v.name));
    const analysis = analyzeExperiment(samples, {
      metric: config.metric,
      goal: config.goal,
      confidence: config.confidence,
      minSamplesPerVariant: config.minSamplesPerVariant,
      ...(config.guardrail && { guardrail: config.guardrail }),
    });
    res.json(resultsJson(experiment, analysis));
  });

  router.post('/v1/experiments/:experimentId/approval', async (req, res) => {
    // Who approves is the authenticated key (and only an approver or admin key), never the body.
    const approver = requireApprover(req);
    const body = parseInput(ApprovalSchema, req.body);
    const experiment = await ownedExperiment(req);
    if (experiment.status !== 'awaiting_approval') {
      throw conflict('experiment_not_awaiting_approval', `Experiment "${experiment.id}" is ${experiment.status}, not awaiting approval.`);
    }
    if (body.variant !== undefined && !experiment.config.variants.some((v) => v.name === body.variant)) {
      throw new ApiError(400, 'invalid_request_error', 'variant_not_found', `Experiment "${experiment.id}" has no variant "${body.variant}".`);
    }
    const decision: ApprovalDecision = { decision: body.decision, by: approver, ...(body.variant && { variant: body.variant }), ...(body.comment && { comment: body.comment }) };
    try {
      await deps.client.workflow.getHandle(experiment.id).signal('approval', decision);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw conflict('experiment_not_awaiting_approval', `Experiment "${experiment.id}" has finished.`);
      throw err;
    }
    res.status(202).json({ object: 'experiment_approval', experiment_id: experiment.id, decision: body.decision, variant: body.variant ?? null, accepted: true });
  });

  return router;
}
