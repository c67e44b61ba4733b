"""Every operationId of the API's OpenAPI document, and the method of ``SomaAgent`` that calls it.

A contract test on the API side imports this module (with only httpx installed) and checks that
each path resolves to a callable on ``SomaAgent(api_key="x")``, and that no operation is
missing; the SDK's own tests check the same against a running platform's ``/openapi.json``.
Keep it a plain literal with no imports.
"""

OPERATIONS: dict[str, str] = {
    # Unauthenticated platform endpoints
    "health": "system.health",
    "ready": "system.ready",
    "metrics": "system.metrics",
    "openapi": "system.openapi",
    # Completions and runs
    "createCompletion": "completions.create",
    "listRuns": "runs.list",
    "getRun": "runs.get",
    "listRunEvents": "runs.events",
    "queryRun": "runs.query",
    "signalRun": "runs.signal",
    "cancelRun": "runs.cancel",
    # Model registry, usage, budgets
    "listModels": "models.list",
    "getModel": "models.get",
    "putModel": "admin.models.put",
    "disableModel": "admin.models.disable",
    "modelUsage": "usage.models",
    "costReport": "usage.cost",
    "listBudgets": "budgets.list",
    "putBudget": "admin.budgets.put",
    "deleteBudget": "admin.budgets.delete",
    # Tenants and keys
    "listTenants": "admin.tenants.list",
    "createTenant": "admin.tenants.create",
    "listApiKeys": "admin.keys.list",
    "createApiKey": "admin.keys.create",
    "revokeApiKey": "admin.keys.revoke",
    # Prompt templates
    "listPromptTemplates": "prompts.list",
    "createPromptTemplate": "prompts.create",
    "getPromptTemplate": "prompts.get",
    "listPromptVersions": "prompts.versions.list",
    "createPromptVersion": "prompts.versions.create",
    "getPromptVersion": "prompts.versions.get",
    "diffPromptVersions": "prompts.diff",
    "movePromptLabel": "prompts.labels.move",
    "deletePromptLabel": "prompts.labels.delete",
    "getPromptLabelHistory": "prompts.labels.history",
    "renderPrompt": "prompts.render",
    # Experiments
    "listExperiments": "experiments.list",
    "createExperiment": "experiments.create",
    "getExperiment": "experiments.get",
    "assignExperimentVariant": "experiments.assign",
    "recordExperimentOutcome": "experiments.record_outcome",
    "getExperimentResults": "experiments.results",
    "approveExperiment": "experiments.approve",
    # Conversations
    "listConversations": "conversations.list",
    "createConversation": "conversations.create",
    "getConversation": "conversations.get",
    "deleteConversation": "conversations.delete",
    "appendConversationMessages": "conversations.messages.create",
    # Model policies
    "listPolicies": "policies.list",
    "getPolicy": "policies.get",
    "putPolicy": "policies.put",
    "deletePolicy": "policies.delete",
    # Tools and secrets
    # Agents
    "createAgent": "agents.create",
    "listAgents": "agents.list",
    "getAgent": "agents.get",
    "listAgentVersions": "agents.versions",
    "setAgentLabel": "agents.set_label",
    "deleteAgentLabel": "agents.delete_label",
    # agents.run streams (it wraps this call and follows the events); start is the plain call.
    "runAgent": "agents.start",
    "getAgentRun": "agents.get_run",
    "listAgentEvents": "agents.events",
    "listApprovals": "agents.approvals",
    "decideApproval": "agents.decide",
    "listTools": "tools.list",
    "createTool": "tools.create",
    "getTool": "tools.get",
    "listToolVersions": "tools.versions",
    "deleteTool": "tools.delete",
    "listSecrets": "secrets.list",
    "putSecret": "secrets.set",
    "deleteSecret": "secrets.delete",
    # Capsules
    "listCapsules": "capsules.list",
    "publishCapsule": "capsules.publish",
    "listInstalledCapsules": "capsules.list_installed",
    "getCapsule": "capsules.get",
    "getCapsuleVersion": "capsules.versions.get",
    "installCapsule": "capsules.install",
    # Memory: documents and search; retrieval-augmented answers
    "ingestDocuments": "memory.documents.ingest",
    "listDocuments": "memory.documents.list",
    "getDocument": "memory.documents.get",
    "getIngestion": "memory.ingestions.get",
    "deleteDocument": "memory.documents.delete",
    "search": "memory.search",
    "ragAnswer": "rag.answer",
    # Feedback on runs; the learned router
    "createRunFeedback": "feedback.create",
    "listRunFeedback": "feedback.list",
    "getOutcomeSummary": "router.outcomes.summary",
    "importOutcomes": "router.outcomes.import_",
    "listRouterVersions": "router.versions.list",
    "registerRouterVersion": "router.versions.register",
    "promoteRouterVersion": "router.versions.promote",
    "trainRouter": "router.train",
}
