/**
 * Every operation of the API's OpenAPI document (by operationId) and the client method that
 * performs it, as a dotted path from the client: `createCompletion` is
 * `client.completions.create(...)`. A contract test fails when the API gains an operation this
 * map lacks, or when a path does not lead to a method. The Python SDK keeps the same map.
 */
export const OPERATIONS: Readonly<Record<string, string>> = Object.freeze({
  health: 'system.health',
  ready: 'system.ready',
  metrics: 'system.metrics',
  openapi: 'system.openapi',

  createCompletion: 'completions.create',

  listRuns: 'runs.list',
  getRun: 'runs.get',
  listRunEvents: 'runs.events',
  queryRun: 'runs.query',
  signalRun: 'runs.signal',
  cancelRun: 'runs.cancel',

  listModels: 'models.list',
  getModel: 'models.get',

  modelUsage: 'usage.models',
  costReport: 'usage.cost',

  listBudgets: 'budgets.list',

  listTenants: 'admin.tenants.list',
  createTenant: 'admin.tenants.create',
  listApiKeys: 'admin.keys.list',
  createApiKey: 'admin.keys.create',
  revokeApiKey: 'admin.keys.revoke',
  putModel: 'admin.models.put',
  disableModel: 'admin.models.disable',
  putBudget: 'admin.budgets.put',
  deleteBudget: 'admin.budgets.delete',

  listPromptTemplates: 'prompts.list',
  createPromptTemplate: 'prompts.create',
  getPromptTemplate: 'prompts.get',
  diffPromptVersions: 'prompts.diff',
  renderPrompt: 'prompts.render',
  listPromptVersions: 'prompts.versions.list',
  createPromptVersion: 'prompts.versions.create',
  getPromptVersion: 'prompts.versions.get',
  movePromptLabel: 'prompts.labels.move',
  deletePromptLabel: 'prompts.labels.delete',
  getPromptLabelHistory: 'prompts.labels.history',

  listExperiments: 'experiments.list',
  createExperiment: 'experiments.create',
  getExperiment: 'experiments.get',
  assignExperimentVariant: 'experiments.assign',
  recordExperimentOutcome: 'experiments.recordOutcome',
  getExperimentResults: 'experiments.results',
  approveExperiment: 'experiments.approve',

  listPolicies: 'policies.list',
  getPolicy: 'policies.get',
  putPolicy: 'policies.put',
  deletePolicy: 'policies.delete',

  createAgent: 'agents.create',
  listAgents: 'agents.list',
  getAgent: 'agents.get',
  listAgentVersions: 'agents.versions',
  setAgentLabel: 'agents.labels.set',
  deleteAgentLabel: 'agents.labels.delete',
  runAgent: 'agents.run',
  getAgentRun: 'agents.getRun',
  listAgentEvents: 'agents.events',
  listApprovals: 'agents.approvals.list',
  decideApproval: 'agents.approvals.decide',

  listTools: 'tools.list',
  createTool: 'tools.create',
  getTool: 'tools.get',
  listToolVersions: 'tools.versions',
  deleteTool: 'tools.delete',
  listSecrets: 'secrets.list',
  putSecret: 'secrets.set',
  deleteSecret: 'secrets.delete',

  listCapsules: 'capsules.list',
  publishCapsule: 'capsules.publish',
  getCapsule: 'capsules.get',
  getCapsuleVersion: 'capsules.versions.get',
  listInstalledCapsules: 'capsules.listInstalled',
  installCapsule: 'capsules.install',

  listConversations: 'conversations.list',
  createConversation: 'conversations.create',
  getConversation: 'conversations.get',
  appendConversationMessages: 'conversations.append',
  deleteConversation: 'conversations.delete',

  ingestDocuments: 'memory.documents.ingest',
  listDocuments: 'memory.documents.list',
  getDocument: 'memory.documents.get',
  deleteDocument: 'memory.documents.delete',
  getIngestion: 'memory.ingestions.get',
  search: 'memory.search',

  ragAnswer: 'rag.answer',

  createRunFeedback: 'feedback.create',
  listRunFeedback: 'feedback.list',
  getOutcomeSummary: 'router.outcomes.summary',
  importOutcomes: 'router.outcomes.import',
  listRouterVersions: 'router.versions.list',
  registerRouterVersion: 'router.versions.register',
  promoteRouterVersion: 'router.versions.promote',
  trainRouter: 'router.train',
});
