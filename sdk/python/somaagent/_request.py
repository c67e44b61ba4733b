"""A request as a value: what each API operation builds, and what the clients send.

Every operation is written once, as a function that returns an ``APIRequest``; the sync and
async clients only differ in how they send it (see ``_resource.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Generic, Literal, Mapping, Optional, TypeVar, Union
from urllib.parse import quote

from ._types import NotGiven, RequestOptions

T = TypeVar("T")


@dataclass
class APIRequest(Generic[T]):
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    parse: Callable[[Any], T]
    """Turns the decoded answer into the method's return value."""
    options: RequestOptions
    query: Dict[str, str] = field(default_factory=dict)
    body: Optional[Dict[str, Any]] = None
    """The JSON body; None sends none."""
    response_format: Literal["json", "text"] = "json"
    accept_statuses: FrozenSet[int] = frozenset()
    """Error statuses that are an answer, not an error (the 503 of a readiness check)."""


def api_request(
    method: Literal["GET", "POST", "PUT", "DELETE"],
    path: str,
    parse: Callable[[Any], T],
    options: RequestOptions,
    *,
    body: Optional[Mapping[str, Any]] = None,
    query: Optional[Mapping[str, Any]] = None,
    response_format: Literal["json", "text"] = "json",
    accept_statuses: FrozenSet[int] = frozenset(),
) -> APIRequest[T]:
    """An ``APIRequest`` with the arguments the caller left out (``NOT_GIVEN``) dropped."""
    return APIRequest(
        method=method,
        path=path,
        parse=parse,
        options=options,
        query=query_params(query or {}),
        body=None if body is None else {k: v for k, v in body.items() if not isinstance(v, NotGiven)},
        response_format=response_format,
        accept_statuses=accept_statuses,
    )


def as_is(data: Any) -> Any:
    """The parser of answers handed over as decoded (event streams, routes without a model)."""
    return data


def path_param(name: str, value: Union[str, int]) -> str:
    """A path segment, percent-encoded whole (a model id ``local/llama3.2`` becomes ``local%2Fllama3.2``)."""
    text = str(value)
    if not text:
        raise ValueError(f"Expected a non-empty value for `{name}`")
    return quote(text, safe="")


def query_params(params: Mapping[str, Any]) -> Dict[str, str]:
    """Query parameters as the API reads them: left-out ones dropped, booleans as true/false."""
    out: Dict[str, str] = {}
    for key, value in params.items():
        if value is None or isinstance(value, NotGiven):
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out
