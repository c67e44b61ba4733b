"""Helpers of the tests: the models they use, the emulator's control API, small builders."""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any, Optional

import httpx

from somaagent import SomaAgent
from somaagent.types import MessageParam

# The models the tests talk to, served by the provider emulator. test/sdk-python.test.ts
# registers two local models of their own, so that no other test's faults (and the circuit
# breakers they open, shared through Postgres) reach these tests; by hand, the catalogue's.
MODEL = os.environ.get("SOMAAGENT_TEST_MODEL") or "gpt-4o-mini"
SECOND_MODEL = os.environ.get("SOMAAGENT_TEST_SECOND_MODEL") or "gpt-4.1-nano"


def provider_model(model: str) -> str:
    """The name the emulator sees (and injects faults for): a local model's id without ``local/``."""
    return model.split("/", 1)[1] if model.startswith("local/") else model


class Emulator:
    """The provider emulator's control API: faults, latency, reset."""

    def __init__(self, url: str) -> None:
        self._http = httpx.Client(base_url=url.rstrip("/"), timeout=10)

    def _post(self, path: str, body: Optional[dict[str, Any]] = None) -> Any:
        response = self._http.post(f"/_emulator/{path}", json=body or {})
        response.raise_for_status()
        return response.json()

    def fault(self, status: Any, *, count: int = 1, model: str = MODEL, retry_after_seconds: Optional[float] = None) -> None:
        """Makes the next ``count`` calls for ``model`` (a registry id) fail with ``status``."""
        body: dict[str, Any] = {"status": status, "count": count, "model": provider_model(model)}
        if retry_after_seconds is not None:
            body["retryAfterSeconds"] = retry_after_seconds
        self._post("faults", body)

    def configure(self, *, latency_ms: Optional[int] = None, chunk_delay_ms: Optional[int] = None) -> None:
        body: dict[str, Any] = {}
        if latency_ms is not None:
            body["latencyMs"] = latency_ms
        if chunk_delay_ms is not None:
            body["chunkDelayMs"] = chunk_delay_ms
        self._post("config", body)

    def reset(self) -> None:
        self._post("reset")

    def close(self) -> None:
        self._http.close()


class Tenant:
    def __init__(self, tenant_id: str, client: SomaAgent) -> None:
        self.id = tenant_id
        self.client = client


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def user(text: str) -> list[MessageParam]:
    return [{"role": "user", "content": text}]
