"""Retries with backoff and Retry-After, and one Idempotency-Key per call across its retries.

The platform under test runs with PROVIDER_MAX_ATTEMPTS=1, so a provider 429 injected in the
emulator comes back from the API as a 429 with retry-after.
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from somaagent import RateLimitError, SomaAgent, UnprocessableEntityError

from support import MODEL, Emulator, user


def _recording_client(base_url: str, api_key: str, seen: list[httpx.Request]) -> SomaAgent:
    http = httpx.Client(event_hooks={"request": [seen.append]})
    return SomaAgent(api_key=api_key, base_url=base_url, http_client=http)


def test_a_rate_limited_call_is_retried_after_retry_after(base_url: str, api_key: str, emulator: Emulator) -> None:
    emulator.fault(429, count=1, model=MODEL)
    seen: list[httpx.Request] = []
    client = _recording_client(base_url, api_key, seen)
    started = time.monotonic()
    completion = client.completions.create(model=MODEL, messages=user("retry me"))
    elapsed = time.monotonic() - started
    assert "retry me" in completion.text
    assert len(seen) == 2
    # The emulator's 429 says retry-after 1 s; the API passes it on and the client waits for it.
    assert elapsed >= 0.9
    keys = {request.headers["idempotency-key"] for request in seen}
    assert len(keys) == 1
    assert uuid.UUID(keys.pop()).version == 4
    client._client.close()


def test_without_retries_a_rate_limit_is_raised(client: SomaAgent, emulator: Emulator) -> None:
    emulator.fault(429, count=1, model=MODEL, retry_after_seconds=3)
    with pytest.raises(RateLimitError) as caught:
        client.completions.create(model=MODEL, messages=user("no retry"), max_retries=0)
    error = caught.value
    assert error.status_code == 429
    assert error.type == "rate_limit_error" and error.code == "provider_rate_limited"
    assert error.retry_after == 3
    assert error.request_id is not None


def test_a_client_without_retries(base_url: str, api_key: str, emulator: Emulator) -> None:
    emulator.fault(429, count=1, model=MODEL)
    with SomaAgent(api_key=api_key, base_url=base_url, max_retries=0) as client:
        with pytest.raises(RateLimitError):
            client.completions.create(model=MODEL, messages=user("no retry either"))


def test_each_call_gets_its_own_key_and_a_given_key_is_sent_as_is(base_url: str, api_key: str) -> None:
    seen: list[httpx.Request] = []
    client = _recording_client(base_url, api_key, seen)
    client.completions.create(model=MODEL, messages=user("one"))
    client.completions.create(model=MODEL, messages=user("two"))
    client.completions.create(model=MODEL, messages=user("three"), idempotency_key="order-42-summary")
    client.runs.list()
    keys = [request.headers.get("idempotency-key") for request in seen]
    assert keys[0] != keys[1]
    assert keys[2] == "order-42-summary"
    assert keys[3] is None  # GETs are idempotent by nature
    client._client.close()


def test_the_same_key_joins_the_same_run(client: SomaAgent) -> None:
    key = f"sdk-test-{uuid.uuid4()}"
    first = client.completions.create(model=MODEL, messages=user("once only"), idempotency_key=key)
    again = client.completions.create(model=MODEL, messages=user("once only"), idempotency_key=key)
    assert again.id == first.id and again.text == first.text
    with pytest.raises(UnprocessableEntityError) as caught:
        client.completions.create(model=MODEL, messages=user("another request"), idempotency_key=key, max_retries=0)
    assert caught.value.code == "idempotency_key_reused"


def test_other_posts_replay_their_first_response(client: SomaAgent) -> None:
    key = f"sdk-test-{uuid.uuid4()}"
    name = f"replayed-{uuid.uuid4().hex[:8]}"
    created = client.prompts.create(name=name, text="Hi", idempotency_key=key)
    # Without the key this would be a 409 (the name is taken); with it, the first answer again.
    replayed = client.prompts.create(name=name, text="Hi", idempotency_key=key)
    assert replayed.id == created.id
