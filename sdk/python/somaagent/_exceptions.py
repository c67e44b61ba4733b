"""One hierarchy of errors, keyed by HTTP status, as in the OpenAI and Anthropic SDKs.

Every API error carries the fields of the API's error body
(``{"error": {"type", "code", "message", "request_id", "details"?}}``) as attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Type

import httpx

from ._retry import parse_retry_after

__all__ = [
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
]


class SomaAgentError(Exception):
    """Base of every error this SDK raises (a missing API key is one too)."""


class APIError(SomaAgentError):
    """An error about a request to the API.

    ``status_code`` is None for errors without an HTTP answer (connection failures, timeouts).
    ``request_id`` comes from the error body, else from the ``x-request-id`` header: quote it
    when reporting a problem.
    """

    message: str
    status_code: Optional[int]
    type: Optional[str]
    """The error family: invalid_request_error, authentication_error, rate_limit_error, ..."""
    code: Optional[str]
    """The machine-readable reason: validation_failed, run_not_found, budget_exceeded, ..."""
    request_id: Optional[str]
    details: Any
    """Specifics, when the API sends them (every validation problem; which budget; ...)."""
    body: Any
    """The decoded JSON body (or its text when it is not JSON); None without an answer."""
    headers: httpx.Headers
    request: Optional[httpx.Request]

    def __init__(
        self,
        message: str,
        *,
        request: Optional[httpx.Request] = None,
        status_code: Optional[int] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        fields: Dict[str, Any] = error if isinstance(error, dict) else {}
        self.headers = httpx.Headers(headers or {})
        self.message = _str_or_none(fields.get("message")) or message
        self.status_code = status_code
        self.type = _str_or_none(fields.get("type"))
        self.code = _str_or_none(fields.get("code"))
        self.request_id = _str_or_none(fields.get("request_id")) or self.headers.get("x-request-id")
        self.details = fields.get("details")
        self.body = body
        self.request = request
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = []
        if self.status_code is not None:
            parts.append(str(self.status_code))
        if self.code:
            parts.append(self.code)
        head = " ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        return f"{text} (request id {self.request_id})" if self.request_id else text


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status."""

    status_code: int
    response: Optional[httpx.Response]
    """The HTTP response; None when the error arrived as an ``error`` event of a stream."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        request: Optional[httpx.Request] = None,
        response: Optional[httpx.Response] = None,
    ) -> None:
        super().__init__(message, request=request, status_code=status_code, body=body, headers=headers)
        self.response = response


class BadRequestError(APIStatusError):
    """400: the request is wrong (invalid input, unknown model, content policy, ...)."""


@dataclass
class ValidationProblem:
    """One problem of a ``validation_failed`` error."""

    path: str
    """JSON path of the offending field, e.g. ``messages.0.role``; empty for the body itself."""
    code: str
    message: str


class ValidationError(BadRequestError):
    """A 400 whose ``details`` list every problem of the input (``validation_failed``: the
    request broke the schema; ``variables_invalid``: a template's variables did); ``problems``
    has them as ``ValidationProblem`` (path, code, message)."""

    @property
    def problems(self) -> List[ValidationProblem]:
        items = self.details if isinstance(self.details, list) else []
        return [
            ValidationProblem(path=str(p.get("path", "")), code=str(p.get("code", "")), message=str(p.get("message", "")))
            for p in items
            if isinstance(p, dict)
        ]


class AuthenticationError(APIStatusError):
    """401: the API key is missing, invalid or revoked."""


class BudgetExceededError(APIStatusError):
    """402: a budget would be exceeded; ``details`` names the budget, its limit and spend."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this (an admin key is needed)."""


class NotFoundError(APIStatusError):
    """404: no such run, model, template, ... for this tenant."""


class ConflictError(APIStatusError):
    """409: the resource is not in a state that allows this (run finished, name taken, ...)."""


class UnprocessableEntityError(APIStatusError):
    """422."""


class RateLimitError(APIStatusError):
    """429: rate limited; ``retry_after`` says how long the API asked to wait."""

    @property
    def retry_after(self) -> Optional[float]:
        """Seconds from the ``retry-after-ms`` or ``retry-after`` header, if any."""
        return parse_retry_after(self.headers)


class InternalServerError(APIStatusError):
    """5xx: the platform or the model provider failed (502, 503, 504 are provider failures)."""


class APIConnectionError(APIError):
    """No HTTP answer: the connection failed or broke."""

    def __init__(self, message: str = "Connection error.", *, request: Optional[httpx.Request] = None) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """No answer within the timeout."""

    def __init__(self, message: str = "Request timed out.", *, request: Optional[httpx.Request] = None) -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(APIError):
    """The API answered with something that is not what this SDK expects (e.g. not JSON)."""

    def __init__(self, message: str, *, response: httpx.Response, body: Any = None) -> None:
        super().__init__(message, request=response.request, status_code=response.status_code, body=body, headers=response.headers)
        self.response = response


_BY_STATUS: Dict[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: BudgetExceededError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def make_status_error(
    status_code: int,
    body: Any,
    *,
    headers: Optional[Mapping[str, str]] = None,
    request: Optional[httpx.Request] = None,
    response: Optional[httpx.Response] = None,
) -> APIStatusError:
    """The error class for a status (and, for 400, the error code) with the body's fields."""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    cls: Type[APIStatusError]
    if status_code == 400 and (code == "validation_failed" or _lists_problems(error)):
        cls = ValidationError
    elif status_code >= 500:
        cls = InternalServerError
    else:
        cls = _BY_STATUS.get(status_code, APIStatusError)
    fallback = body[:500] if isinstance(body, str) and body else f"HTTP {status_code}"
    return cls(fallback, status_code=status_code, body=body, headers=headers, request=request, response=response)


def _lists_problems(error: Any) -> bool:
    details = error.get("details") if isinstance(error, dict) else None
    return isinstance(details, list) and bool(details) and all(isinstance(d, dict) and "path" in d and "message" in d for d in details)


def _str_or_none(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None
