"""Retries with backoff and Retry-After, and one Idempotency-Key per call across its retries.

The platform under test runs with PROVIDER_MAX_ATTEMPTS=1, so a provider 429 injected in the
emulator comes back from the API as a 429 with retry-after. A provider 5xx comes back with
``x-should-retry: false`` (the run already retried it) unless the provider sent Retry-After.
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from somaagent import ConflictError, InternalServerError, RateLimitError, SomaAgent, UnprocessableEntityError
from somaagent._retry import parse_retry_after, retry_delay, should_retry_status

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


# After calls that succeeded: the circuit breaker counts consecutive provider failures.


def test_a_provider_failure_the_run_already_retried_is_not_retried(base_url: str, api_key: str, emulator: Emulator) -> None:
    # A client retry would run the whole chain again: the API says x-should-retry: false.
    emulator.fault(503, count=1, model=MODEL)
    seen: list[httpx.Request] = []
    client = _recording_client(base_url, api_key, seen)
    with pytest.raises(InternalServerError) as caught:
        client.completions.create(model=MODEL, messages=user("overloaded provider"))
    error = caught.value
    assert error.status_code == 503 and error.type == "provider_error" and error.code == "provider_overloaded"
    assert error.headers["x-should-retry"] == "false"
    assert len(seen) == 1
    client._client.close()


def test_a_provider_failure_with_retry_after_is_retried(base_url: str, api_key: str, emulator: Emulator) -> None:
    # The provider said when to come back: the API leaves it to the SDK's rule (5xx: retry).
    emulator.fault(503, count=1, model=MODEL, retry_after_seconds=1)
    seen: list[httpx.Request] = []
    client = _recording_client(base_url, api_key, seen)
    started = time.monotonic()
    completion = client.completions.create(model=MODEL, messages=user("come back later"))
    assert "come back later" in completion.text
    assert len(seen) == 2 and time.monotonic() - started >= 0.9
    assert seen[0].headers["idempotency-key"] == seen[1].headers["idempotency-key"]
    client._client.close()


def test_a_conflict_other_than_a_running_request_is_not_retried(base_url: str, api_key: str) -> None:
    seen: list[httpx.Request] = []
    client = _recording_client(base_url, api_key, seen)
    name = f"taken-{uuid.uuid4().hex[:8]}"
    client.prompts.create(name=name, text="Hi")
    with pytest.raises(ConflictError) as caught:
        client.prompts.create(name=name, text="Again")
    assert caught.value.code == "template_exists" and caught.value.headers["x-should-retry"] == "false"
    assert len(seen) == 2
    client._client.close()


def test_the_retry_decision_and_the_wait() -> None:
    for status in (408, 409, 429, 500, 502, 503, 504):
        assert should_retry_status(status, {}), status
    for status in (400, 401, 402, 403, 404, 413, 422):
        assert not should_retry_status(status, {}), status
    # The server's verdict wins either way.
    assert not should_retry_status(503, {"x-should-retry": "false"})
    assert not should_retry_status(409, {"x-should-retry": "false"})
    assert should_retry_status(400, {"x-should-retry": "true"})
    assert should_retry_status(503, {"retry-after": "1"})

    assert parse_retry_after({"retry-after": "2"}) == 2
    assert parse_retry_after({"retry-after-ms": "150", "retry-after": "9"}) == 0.15
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert retry_delay(0, {"retry-after": "1"}) == 1
    # Without a (sane) Retry-After: 0.5 s x 2^n, capped at 8 s, less up to 25 % jitter.
    for retries_taken, backoff in [(0, 0.5), (1, 1.0), (3, 4.0), (6, 8.0)]:
        assert 0.75 * backoff <= retry_delay(retries_taken) <= backoff
        assert 0.75 * backoff <= retry_delay(retries_taken, {"retry-after": "3600"}) <= backoff
