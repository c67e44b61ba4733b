"""Client construction, configuration and lifecycle."""

from __future__ import annotations

import httpx
import pytest

from somaagent import AsyncSomaAgent, NotFoundError, SomaAgent, SomaAgentError


def test_a_missing_api_key_fails_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOMAAGENT_API_KEY", raising=False)
    with pytest.raises(SomaAgentError, match="SOMAAGENT_API_KEY"):
        SomaAgent()
    with pytest.raises(SomaAgentError, match="SOMAAGENT_API_KEY"):
        AsyncSomaAgent()


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, base_url: str, api_key: str) -> None:
    monkeypatch.setenv("SOMAAGENT_API_KEY", api_key)
    monkeypatch.setenv("SOMAAGENT_BASE_URL", base_url + "/")
    with SomaAgent() as client:
        assert client.api_key == api_key
        assert str(client.base_url) == base_url
        assert client.max_retries == 2
        assert client.budgets.list().object == "list"
    assert client.is_closed
    monkeypatch.delenv("SOMAAGENT_BASE_URL")
    with SomaAgent() as default:
        assert str(default.base_url) == "http://localhost:8080"


async def test_the_async_client_is_an_async_context_manager(base_url: str, api_key: str) -> None:
    async with AsyncSomaAgent(api_key=api_key, base_url=base_url) as client:
        assert (await client.models.list()).object == "list"
    assert client.is_closed


def test_a_passed_http_client_is_used_and_left_open(base_url: str, api_key: str) -> None:
    seen: list[httpx.Request] = []
    with httpx.Client(event_hooks={"request": [seen.append]}) as http:
        with SomaAgent(api_key=api_key, base_url=base_url, http_client=http, default_headers={"X-Team": "sdk"}) as client:
            client.models.list()
        assert not http.is_closed
    assert seen[0].headers["authorization"] == f"Bearer {api_key}"
    assert seen[0].headers["x-team"] == "sdk"
    assert seen[0].headers["user-agent"].startswith("somaagent-python/")


def test_with_options_shares_the_pool_and_changes_only_what_it_is_given(client: SomaAgent) -> None:
    quick = client.with_options(max_retries=0, timeout=5.0)
    assert quick.max_retries == 0 and quick.timeout == 5.0
    assert quick.api_key == client.api_key and quick.base_url == client.base_url
    assert quick._client is client._client
    assert quick.models.get("gpt-4o-mini").id == "gpt-4o-mini"


def test_any_route_with_the_clients_authentication_and_errors(client: SomaAgent) -> None:
    listed = client.get("/v1/models")
    assert listed["object"] == "list" and any(m["id"] == "gpt-4o-mini" for m in listed["data"])
    assert client.get("v1/runs", query={"limit": 1})["object"] == "list"
    with pytest.raises(NotFoundError) as caught:
        client.get("/v1/no-such-route")
    assert caught.value.code == "route_not_found"


async def test_any_route_async(async_client: AsyncSomaAgent) -> None:
    created = await async_client.post("/v1/conversations", body={"title": "raw"})
    assert created["object"] == "conversation"
    assert (await async_client.delete(f"/v1/conversations/{created['id']}"))["deleted"] is True
