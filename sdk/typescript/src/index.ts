export { SomaAgent, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, type ClientOptions, type RawRequestOptions } from './client.js';
export { SomaAgent as default } from './client.js';
export { OPERATIONS } from './operations.js';
export { VERSION } from './version.js';
export type { Fetch, FetchInit, RequestOptions } from './http-client.js';
export {
  SomaAgentError,
  APIError,
  BadRequestError,
  ValidationError,
  AuthenticationError,
  BudgetExceededError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  type APIErrorType,
  type ErrorBody,
  type ValidationProblem,
  type BudgetExceededDetails,
} from './errors.js';
export {
  CompletionStream,
  type CompletionStreamEvent,
  type RunEvent,
  type DeltaEvent,
  type ToolCallDeltaEvent,
  type RetryEvent,
  type FallbackEvent,
  type CompletionEvent,
} from './completion-stream.js';
export { RunEventStream } from './run-event-stream.js';
export { AgentEventStream } from './agent-event-stream.js';
export { SSEDecoder, readServerSentEvents, type ServerSentEvent } from './sse.js';
export { retryAfterMs, retryDelayMs, shouldRetryStatus } from './retries.js';
export type { Completions } from './resources/completions.js';
export type { Runs, RunHandlerArgs } from './resources/runs.js';
export type { Prompts, PromptVersions, PromptLabels } from './resources/prompts.js';
export type { Experiments } from './resources/experiments.js';
export type { Models } from './resources/models.js';
export type { Usage } from './resources/usage.js';
export type { Budgets } from './resources/budgets.js';
export type { Feedback } from './resources/feedback.js';
export type { RouterResource, RouterOutcomes, RouterVersions } from './resources/router.js';
export type { Conversations } from './resources/conversations.js';
export type { Memory, MemoryDocuments } from './resources/memory.js';
export type { Rag } from './resources/rag.js';
export type { Policies } from './resources/policies.js';
export type { Tools } from './resources/tools.js';
export type { Agents, AgentApprovals, AgentLabels } from './resources/agents.js';
export type { Secrets } from './resources/secrets.js';
export type { Capsules, CapsuleVersions } from './resources/capsules.js';
export type { Admin, AdminTenants, AdminKeys, AdminModels, AdminBudgets } from './resources/admin.js';
export type { System, HealthStatus, ReadinessStatus } from './resources/system.js';
export * from './types/shared.js';
export * from './types/completions.js';
export * from './types/runs.js';
export * from './types/models.js';
export * from './types/usage.js';
export * from './types/budgets.js';
export * from './types/router.js';
export * from './types/admin.js';
export * from './types/prompts.js';
export * from './types/experiments.js';
export * from './types/policies.js';
export * from './types/tools.js';
export * from './types/agents.js';
export * from './types/conversations.js';
export * from './types/capsules.js';
export * from './types/memory.js';
export * from './types/rag.js';
