"""``SomaAgent`` and ``AsyncSomaAgent``: the clients, and the resources they carry."""

from __future__ import annotations

from types import TracebackType
from typing import Mapping, Optional, Type, TypeVar, Union

import httpx

from ._base_client import AsyncAPIClient, SyncAPIClient
from ._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._types import Timeout
from .resources.admin import Admin, AsyncAdmin
from .resources.budgets import AsyncBudgets, Budgets
from .resources.feedback import AsyncFeedback, Feedback
from .resources.router import AsyncRouter, Router
from .resources.capsules import AsyncCapsules, Capsules
from .resources.completions import AsyncCompletions, Completions
from .resources.conversations import AsyncConversations, Conversations
from .resources.experiments import AsyncExperiments, Experiments
from .resources.memory import AsyncMemory, Memory
from .resources.models import AsyncModels, Models
from .resources.policies import AsyncPolicies, Policies
from .resources.secrets import AsyncSecrets, Secrets
from .resources.tools import AsyncTools, Tools
from .resources.agents import Agents, AsyncAgents
from .resources.prompts import AsyncPrompts, Prompts
from .resources.rag import AsyncRag, Rag
from .resources.runs import AsyncRuns, Runs
from .resources.system import AsyncSystem, System
from .resources.usage import AsyncUsage, Usage

__all__ = ["SomaAgent", "AsyncSomaAgent"]

_Sync = TypeVar("_Sync", bound="SomaAgent")
_Async = TypeVar("_Async", bound="AsyncSomaAgent")


class SomaAgent(SyncAPIClient):
    """The synchronous SomaAgent client.

    ``api_key`` defaults to ``$SOMAAGENT_API_KEY`` and ``base_url`` to ``$SOMAAGENT_BASE_URL``,
    else ``http://localhost:8080`` (the platform's root, without ``/v1``). Failed requests
    (connection errors, timeouts, 408, 409, 429, 5xx) are retried ``max_retries`` times with
    backoff; ``timeout`` is in seconds, or an ``httpx.Timeout``. An ``http_client`` you pass is
    used as it is and left for you to close.
    """

    completions: Completions
    conversations: Conversations
    memory: Memory
    rag: Rag
    runs: Runs
    prompts: Prompts
    experiments: Experiments
    models: Models
    usage: Usage
    budgets: Budgets
    feedback: Feedback
    router: Router
    policies: Policies
    tools: Tools
    agents: Agents
    secrets: Secrets
    capsules: Capsules
    admin: Admin
    system: System

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Union[str, httpx.URL, None] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: Timeout = DEFAULT_TIMEOUT,
        http_client: Optional[httpx.Client] = None,
        default_headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            http_client=http_client,
            default_headers=default_headers,
        )
        self.completions = Completions(self)
        self.conversations = Conversations(self)
        self.memory = Memory(self)
        self.rag = Rag(self)
        self.runs = Runs(self)
        self.prompts = Prompts(self)
        self.experiments = Experiments(self)
        self.models = Models(self)
        self.usage = Usage(self)
        self.budgets = Budgets(self)
        self.feedback = Feedback(self)
        self.router = Router(self)
        self.policies = Policies(self)
        self.tools = Tools(self)
        self.agents = Agents(self)
        self.secrets = Secrets(self)
        self.capsules = Capsules(self)
        self.admin = Admin(self)
        self.system = System(self)


    def __enter__(self: _Sync) -> _Sync:
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        self.close()


class AsyncSomaAgent(AsyncAPIClient):
    """The asynchronous SomaAgent client: the same resources as ``SomaAgent``, awaited.

    Use it with ``async with``, or call ``await client.aclose()`` when done.
    """

    completions: AsyncCompletions
    conversations: AsyncConversations
    memory: AsyncMemory
    rag: AsyncRag
    runs: AsyncRuns
    prompts: AsyncPrompts
    experiments: AsyncExperiments
    models: AsyncModels
    usage: AsyncUsage
    budgets: AsyncBudgets
    feedback: AsyncFeedback
    router: AsyncRouter
    policies: AsyncPolicies
    tools: AsyncTools
    agents: AsyncAgents
    secrets: AsyncSecrets
    capsules: AsyncCapsules
    admin: AsyncAdmin
    system: AsyncSystem

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Union[str, httpx.URL, None] = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: Timeout = DEFAULT_TIMEOUT,
        http_client: Optional[httpx.AsyncClient] = None,
        default_headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            http_client=http_client,
            default_headers=default_headers,
        )
        self.completions = AsyncCompletions(self)
        self.conversations = AsyncConversations(self)
        self.memory = AsyncMemory(self)
        self.rag = AsyncRag(self)
        self.runs = AsyncRuns(self)
        self.prompts = AsyncPrompts(self)
        self.experiments = AsyncExperiments(self)
        self.models = AsyncModels(self)
        self.usage = AsyncUsage(self)
        self.budgets = AsyncBudgets(self)
        self.feedback = AsyncFeedback(self)
        self.router = AsyncRouter(self)
        self.policies = AsyncPolicies(self)
        self.tools = AsyncTools(self)
        self.agents = AsyncAgents(self)
        self.secrets = AsyncSecrets(self)
        self.capsules = AsyncCapsules(self)
        self.admin = AsyncAdmin(self)
        self.system = AsyncSystem(self)


    async def __aenter__(self: _Async) -> _Async:
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        await self.aclose()
