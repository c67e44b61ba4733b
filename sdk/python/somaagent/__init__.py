"""The Python SDK of SomaAgent, the Temporal-native platform for production AI work.

>>> from somaagent import SomaAgent
>>> client = SomaAgent()  # SOMAAGENT_API_KEY, SOMAAGENT_BASE_URL
>>> completion = client.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello"}])
"""

from . import types
from ._client import AsyncSomaAgent, SomaAgent
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BudgetExceededError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SomaAgentError,
    UnprocessableEntityError,
    ValidationError,
    ValidationProblem,
)
from ._models import ListObject
from ._streaming import AsyncCompletionStream, AsyncRunEventStream, CompletionStream, RunEventStream
from ._types import NOT_GIVEN, NotGiven, RequestOptions, Timeout
from ._version import __version__

__all__ = [
    "SomaAgent",
    "AsyncSomaAgent",
    "CompletionStream",
    "AsyncCompletionStream",
    "RunEventStream",
    "AsyncRunEventStream",
    "ListObject",
    "types",
    "NOT_GIVEN",
    "NotGiven",
    "RequestOptions",
    "Timeout",
    "SomaAgentError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "ValidationError",
    "ValidationProblem",
    "AuthenticationError",
    "BudgetExceededError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "__version__",
]
