"""``client.system``: the platform's unauthenticated endpoints (liveness, readiness, metrics, OpenAPI)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict

from .._models import model_parser
from .._request import APIRequest, api_request
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import RequestOptions
from ..types.system import Health, Readiness

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["System", "AsyncSystem"]


def _health(**options: Unpack[RequestOptions]) -> APIRequest[Health]:
    """Liveness: the API process answers."""
    return api_request("GET", "/healthz", model_parser(Health), options)


def _ready(**options: Unpack[RequestOptions]) -> APIRequest[Readiness]:
    """Readiness: Postgres and Temporal reachable. A 503 is returned (``ready`` False), not
    raised, and not retried unless ``max_retries`` is given: fit for a health check."""
    once: RequestOptions = {"max_retries": 0}
    once.update(options)
    return api_request("GET", "/readyz", model_parser(Readiness), once, accept_statuses=frozenset({503}))


def _metrics(**options: Unpack[RequestOptions]) -> APIRequest[str]:
    """The Prometheus metrics, as text."""
    return api_request("GET", "/metrics", str, options, response_format="text")


def _openapi(**options: Unpack[RequestOptions]) -> APIRequest[Dict[str, Any]]:
    """The OpenAPI 3.1 document of the API."""
    return api_request("GET", "/openapi.json", _json_object, options)


def _json_object(data: Any) -> Dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError("expected a JSON object")
    return data


class System(SyncAPIResource):
    health = sync_method(_health)
    ready = sync_method(_ready)
    metrics = sync_method(_metrics)
    openapi = sync_method(_openapi)


class AsyncSystem(AsyncAPIResource):
    health = async_method(_health)
    ready = async_method(_ready)
    metrics = async_method(_metrics)
    openapi = async_method(_openapi)
