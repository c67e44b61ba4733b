import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Client, Connection } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { Services } from '../composition/services.ts';
import type { Env } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { Pool } from '../platform/db/pool.ts';
import { ApiError } from './api-error.ts';
import { createAuthenticator, requireAdmin } from './middleware/auth.ts';
import { createErrorHandler } from './middleware/error-handler.ts';
import { guardReadOnlyKeys } from './middleware/key-roles.ts';
import { createHttpMetrics } from './middleware/metrics.ts';
import { requestId } from './middleware/request-id.ts';
import { checkBody, checkUrl } from './middleware/input-hygiene.ts';
import { methodNotAllowed } from './middleware/method-not-allowed.ts';
import { createIdempotency } from './middleware/idempotency.ts';
import { openApiDocument } from './openapi.ts';
import { adminRouter } from './routes/admin.ts';
import { completionsRouter } from './routes/completions.ts';
import { chatCompletionsRouter } from './routes/openai-compatible/chat-completions.ts';
import { embeddingsRouter } from './routes/openai-compatible/embeddings.ts';
import { createOpenAiErrorHandler, OPENAI_COMPATIBLE_PATHS } from './routes/openai-compatible/openai-errors.ts';
import { messagesRouter } from './routes/anthropic-compatible/messages.ts';
import { ANTHROPIC_COMPATIBLE_PATHS, createAnthropicErrorHandler } from './routes/anthropic-compatible/anthropic-errors.ts';
import { experimentsRouter } from './routes/experiments.ts';
import { healthRouter } from './routes/health.ts';
import { providerStates } from '../core/providers/provider-set.ts';
import { promptsRouter } from './routes/prompts.ts';
import { modelsRouter } from './routes/models.ts';
import { localModelsRouter } from './routes/local-models.ts';
import { createInstalledModels } from '../core/local-models/installed-models.ts';
import { usageRouter } from './routes/usage.ts';
import { budgetsRouter } from './routes/budgets.ts';
import { runsRouter } from './routes/runs.ts';
import { agentsRouter } from './routes/agents.ts';
import { agentRunsRouter } from './routes/agent-runs.ts';
import { codecAllowedOrigins, codecRouter } from './routes/codec.ts';
import { policiesRouter } from './routes/policies.ts';
import { conversationsRouter } from './routes/conversations.ts';
import { memoryRouter } from './routes/memory.ts';
import { ragRouter } from './routes/rag.ts';
import { capsulesRouter } from './routes/capsules.ts';
import { opsAlertsRouter } from './routes/ops-alerts.ts';
import { opsSlosRouter } from './routes/ops-slos.ts';
import { opsOnCallRouter } from './routes/ops-oncall.ts';
import { createAlertIntake } from '../core/ops/alert-intake.ts';
import { prometheusQueryFromEnv } from '../core/ops/prometheus-query.ts';
import { loadSloDefinitions } from '../core/ops/slo-spec-files.ts';
import { feedbackRouter } from './routes/feedback.ts';
import { routerRouter } from './routes/router.ts';
import { toolsRouter } from './routes/tools.ts';
import { secretsRouter } from './routes/secrets.ts';

export interface AppDeps {
  env: Env;
  /** For the readiness check only; data access goes through `services`. */
  pool: Pool;
  connection: Connection;
  client: Client;
  logger: Logger;
  /** The process's stores and domain services, built once by composition/services.ts. */
  services: Services;
  /** The process's /metrics registry (shared with an embedded worker); a new one when omitted. */
  registry?: Registry;
  /** A client sharing its NativeConnection with an in-process worker, for eager workflow start. */
  eagerStarter?: Client;
}

/** A POST with a body that is not JSON would otherwise reach validation as "body missing". */
function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if ((req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') && hasBody && !req.is('application/json')) {
    throw new ApiError(415, 'invalid_request_error', 'unsupported_media_type', 'Send the request body as JSON with "Content-Type: application/json".');
  }
  next();
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Client IPs and proxies are a deployment concern; the default (no trust) is the safe one.
  const metrics = createHttpMetrics(deps.registry);
  const { services } = deps;
  const { keys, budgets, prompts, policies, conversations, openBreakers, models, availableProviders } = services;
  const auth = createAuthenticator({ keys });

  app.use(requestId);
  app.use(metrics.observe);
  // Bad percent-encoding, NUL and lone surrogates in the path or query: a 400 before any route.
  app.use(checkUrl);

  app.use(healthRouter({ pool: deps.pool, connection: deps.connection, providers: providerStates(deps.env) }));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  // Temporal's codec-server protocol for the Web UI and `temporal --codec-endpoint`: admin keys
  // only, with CORS for the UI's origin, before the /v1 middleware (it is not a /v1 resource).
  app.use(codecRouter({ codecs: deps.client.options.loadedDataConverter.payloadCodecs, auth, allowedOrigins: codecAllowedOrigins(deps.env), maxBodyBytes: deps.env.MAX_BODY_BYTES }));
  app.use(requireJsonBody);
  app.use(express.json({ limit: deps.env.MAX_BODY_BYTES, strict: true }));
  // Depth, NUL and lone surrogates in every JSON body, before anything recursive reads it.
  app.use(checkBody);
  // Alertmanager's webhook has an operator bearer of its own, so it sits before the API-key check.
  app.use(opsAlertsRouter({ intake: createAlertIntake({ client: deps.client, taskQueue: deps.env.TEMPORAL_TASK_QUEUE }), token: deps.env.SOMA_ALERT_WEBHOOK_TOKEN }));
  app.use('/v1', auth.authenticate);
  // A read-only key changes nothing, replays included: refused before any other step.
  app.use('/v1', guardReadOnlyKeys);
  // Authorisation before idempotency: a stored response must never answer a request the route
  // would refuse (a non-admin replaying an admin's key creation got the admin's new key). Guards
  // over whole prefixes go here; guards inside routers are covered by the slot being the key's
  // own and bound to the key's grants (api/middleware/idempotency.ts).
  app.use('/v1/admin', requireAdmin);
  // Completions and agent runs keep their own idempotency: the key names the workflow, so Temporal dedups
  // (and a retried agent stream replays the run's events from the start).
  app.use('/v1', createIdempotency({ store: services.idempotencyKeys, skip: (req) => req.path === '/completions' || req.path === '/chat/completions' || req.path === '/messages' || /^\/agents\/[^/]+\/runs\/?$/.test(req.path) }));
  app.use(adminRouter({ tenants: services.tenants, keys, auth }));
  const completionDeps = { client: deps.client, env: deps.env, availableProviders, models, budgets, streams: services.streams, policies, conversations, openBreakers, learnedRouters: services.learnedRouters, ...(deps.eagerStarter && { eagerStarter: deps.eagerStarter }), prompts: prompts.renderer };
  app.use(completionsRouter(completionDeps));
  // OpenAI-compatible ingress: the same runs in OpenAI's shapes (docs: api/openai-compatible).
  app.use(chatCompletionsRouter(completionDeps));
  app.use(embeddingsRouter({ embedder: services.memory.embedder }));
  // Anthropic-compatible ingress for Claude SDK users: the same runs in Anthropic's shapes.
  app.use(messagesRouter(completionDeps));
  app.use(runsRouter(deps.client));
  app.use(agentRunsRouter({ client: deps.client, agents: services.agents, streams: services.streams }));
  app.use(agentsRouter({ client: deps.client, streams: services.streams, env: deps.env, agents: services.agents, prompts: prompts.renderer, plan: { env: deps.env, availableProviders, models, budgets, policies, openBreakers } }));
  app.use(feedbackRouter({ client: deps.client, feedback: services.runFeedback, outcomes: services.outcomes, completions: services.completions }));
  app.use(routerRouter({ outcomes: services.outcomes, versions: services.routerVersions, stateDir: deps.env.SOMA_STATE_DIR, onPromote: (tenantId: string) => services.learnedRouters.forgetActive(tenantId) }));
  app.use(promptsRouter({ store: prompts.templates, renderer: prompts.renderer, engine: prompts.engine }));
  app.use(
    experimentsRouter({
      client: deps.client,
      env: deps.env,
      templates: prompts.templates,
      experiments: prompts.experiments,
      renderer: prompts.renderer,
      availableProviders,
      models,
    }),
  );
  app.use(modelsRouter({ store: services.modelRegistry, cache: models, installed: createInstalledModels(deps.env.SOMA_STATE_DIR) }));
  app.use(localModelsRouter({ stateDir: deps.env.SOMA_STATE_DIR, store: services.modelRegistry, cache: models }));
  app.use(usageRouter(services.metricsQueries));
  app.use(opsOnCallRouter({ store: services.oncall }));
  app.use(budgetsRouter({ budgets, tenants: services.tenants, keys }));
  app.use(
    conversationsRouter({
      store: conversations,
      onMessages: (tenantId: string) => {
        services.indexTrigger(tenantId).catch((err: unknown) => deps.logger.warn('memory indexer not woken', { tenant: tenantId, error: err instanceof Error ? err.message : String(err) }));
      },
    }),
  );
  app.use(
    ragRouter({
      client: deps.client,
      env: deps.env,
      availableProviders,
      models,
      budgets,
      policies,
      openBreakers,
    }),
  );
  app.use(
    memoryRouter({
      client: deps.client,
      taskQueue: deps.env.TEMPORAL_TASK_QUEUE,
      documents: services.documents,
      vectors: services.memory.vectors,
      search: services.memorySearch,
      outbound: services.memory.outbound.policy,
    }),
  );
  app.use(policiesRouter({ store: policies, models, availableProviders }));
  app.use(
    capsulesRouter({
      capsules: services.capsules,
      templates: prompts.templates,
      engine: prompts.engine,
      renderer: prompts.renderer,
      policies,
      models,
      availableProviders,
      tools: services.tools,
      agents: services.agents,
    }),
  );

  app.use(toolsRouter({ tools: services.tools }));
  app.use(secretsRouter({ secrets: services.secrets }));

  app.use(opsSlosRouter({ slos: loadSloDefinitions, prometheus: prometheusQueryFromEnv(deps.env) }));

  app.use(methodNotAllowed(app));
  app.use((req: Request) => {
    throw new ApiError(404, 'not_found_error', 'route_not_found', `No route ${req.method} ${req.path}.`);
  });
  // OpenAI's error shape on the OpenAI-compatible paths only, auth and body errors included.
  app.use(OPENAI_COMPATIBLE_PATHS, createOpenAiErrorHandler(deps.logger));
  app.use(ANTHROPIC_COMPATIBLE_PATHS, createAnthropicErrorHandler(deps.logger));
  app.use(createErrorHandler(deps.logger));
  return app;
}
