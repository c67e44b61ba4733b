"""Completions, waited for, in the background, and from a template."""

from __future__ import annotations

from somaagent import AsyncSomaAgent, SomaAgent
from somaagent.types import Completion

from support import MODEL, user


def _check(completion: Completion, said: str) -> None:
    assert completion.object == "completion"
    assert completion.id.startswith("completion-")
    assert completion.model == MODEL and completion.requested_model == MODEL
    assert completion.simulated is True
    assert said in completion.text
    assert completion.finish_reason == "stop"
    assert completion.usage.output_tokens > 0
    assert completion.attempt_history[0].outcome == "answered"
    assert isinstance(completion.cost_usd, float)
    assert completion.to_dict()["id"] == completion.id


def test_create(client: SomaAgent) -> None:
    completion = client.completions.create(model=MODEL, messages=user("Hello from the sync client"), max_tokens=50, temperature=0.2, stop=["\n\n"])
    _check(completion, "Hello from the sync client")
    # The answer is also the run's result.
    run = client.runs.get(completion.id)
    assert run.status == "completed"
    assert run.completion is not None and run.completion.text == completion.text


async def test_create_async(async_client: AsyncSomaAgent) -> None:
    completion = await async_client.completions.create(model=MODEL, messages=user("Hello from the async client"))
    _check(completion, "Hello from the async client")


def test_a_fallback_chain(client: SomaAgent) -> None:
    completion = client.completions.create(models=[MODEL, "gpt-4.1-nano"], messages=user("chain"))
    assert completion.model == MODEL and completion.fallback_depth == 0


def test_auto_routing_reports_its_decision(client: SomaAgent) -> None:
    completion = client.completions.create(model="auto", routing={"fallbacks": 1}, messages=user("Say hi"))
    assert completion.requested_model == "auto"
    assert completion.routing is not None and "chosen" in completion.routing
    # snake_case on the wire, like every other key of the API.
    assert isinstance(completion.routing["chosen"]["estimated_cost_usd"], (float, int))
    assert all("estimated_cost_usd" in f for f in completion.routing["fallbacks"])
