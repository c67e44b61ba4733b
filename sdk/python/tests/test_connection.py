"""Failures without an answer: no server, and no answer in time."""

from __future__ import annotations

import time

import httpx
import pytest

from somaagent import APIConnectionError, APITimeoutError, AsyncSomaAgent, SomaAgent

from support import MODEL, Emulator, closed_port, user


def test_nothing_listening_is_a_connection_error() -> None:
    with SomaAgent(api_key="x", base_url=f"http://127.0.0.1:{closed_port()}", max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.models.list()
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.status_code is None and caught.value.request is not None


def test_connection_errors_are_retried_with_backoff() -> None:
    with SomaAgent(api_key="x", base_url=f"http://127.0.0.1:{closed_port()}", max_retries=2) as client:
        started = time.monotonic()
        with pytest.raises(APIConnectionError):
            client.models.list()
        # Two waits: about 0.5 s and 1 s, each up to a quarter shorter.
        assert time.monotonic() - started >= 0.375 + 0.75


async def test_nothing_listening_is_a_connection_error_async() -> None:
    async with AsyncSomaAgent(api_key="x", base_url=f"http://127.0.0.1:{closed_port()}", max_retries=0) as client:
        with pytest.raises(APIConnectionError):
            await client.models.list()


def test_no_answer_in_time_is_a_timeout(client: SomaAgent, emulator: Emulator) -> None:
    emulator.configure(latency_ms=3000)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        client.completions.create(model=MODEL, messages=user("slow"), timeout=0.5, max_retries=0)
    assert time.monotonic() - started < 2.5


async def test_a_client_timeout_applies_to_every_call(base_url: str, api_key: str, emulator: Emulator) -> None:
    emulator.configure(latency_ms=3000)
    async with AsyncSomaAgent(api_key=api_key, base_url=base_url, timeout=httpx.Timeout(0.5), max_retries=0) as client:
        with pytest.raises(APITimeoutError):
            await client.completions.create(model=MODEL, messages=user("slow too"))
