"""Every operation of the API's OpenAPI document has a method, on both clients."""

from __future__ import annotations

import functools
import inspect
from typing import Any

import httpx

from somaagent import AsyncCompletionStream, AsyncSomaAgent, SomaAgent
from somaagent._operations import OPERATIONS


def _resolve(client: Any, path: str) -> Any:
    return functools.reduce(getattr, path.split("."), client)


def _operation_ids(document: dict[str, Any]) -> set[str]:
    return {op["operationId"] for item in document["paths"].values() for op in item.values() if isinstance(op, dict) and "operationId" in op and op.get("x-sdk", True)}


def test_operations_match_the_live_openapi_document(base_url: str) -> None:
    document = httpx.get(f"{base_url}/openapi.json", timeout=10).json()
    ids = _operation_ids(document)
    assert sorted(ids - OPERATIONS.keys()) == [], "operations without an SDK method"
    assert sorted(OPERATIONS.keys() - ids) == [], "SDK methods for operations the API does not have"


def test_every_operation_resolves_to_a_method_on_both_clients() -> None:
    sync_client = SomaAgent(api_key="x")
    async_client = AsyncSomaAgent(api_key="x")
    for operation, path in OPERATIONS.items():
        method = _resolve(sync_client, path)
        assert callable(method), f"{operation}: SomaAgent.{path}"
        async_method = _resolve(async_client, path)
        assert inspect.iscoroutinefunction(async_method), f"{operation}: AsyncSomaAgent.{path} is not async"
        # Same parameters on both.
        assert inspect.signature(method).parameters.keys() == inspect.signature(async_method).parameters.keys(), operation
    stream = async_client.completions.stream
    assert inspect.signature(stream).return_annotation == AsyncCompletionStream.__name__
    sync_client.close()


def test_the_system_endpoints(client: SomaAgent) -> None:
    assert client.system.health().status == "ok"
    readiness = client.system.ready()
    assert readiness.ready and {c.name for c in readiness.checks} == {"postgres", "temporal"}
    assert "http_request" in client.system.metrics() or "# HELP" in client.system.metrics()
    assert client.system.openapi()["openapi"].startswith("3.")
