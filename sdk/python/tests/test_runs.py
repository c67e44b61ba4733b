"""Runs: background start, get, list, query, signal and cancel."""

from __future__ import annotations

import time

import pytest

from somaagent import AsyncSomaAgent, ConflictError, SomaAgent

from support import MODEL, Emulator, user


def _wait_for(client: SomaAgent, run_id: str, status: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if client.runs.get(run_id).status == status:
            return
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} never became {status}")


def test_start_get_list_query_signal_cancel(client: SomaAgent, emulator: Emulator) -> None:
    emulator.configure(latency_ms=3000)
    run = client.completions.start(model=MODEL, messages=user("take your time"))
    assert run.object == "run" and run.kind == "completion" and run.status == "running"

    fetched = client.runs.get(run.id)
    assert fetched.status == "running" and fetched.model == MODEL and fetched.created_at is not None

    listed = client.runs.list(kind="completion", limit=50)
    assert run.id in [r.id for r in listed]
    assert all(r.kind == "completion" for r in listed)

    status = client.runs.query(run.id, "status")
    assert status.id == run.id and status.query == "status"
    assert status.result["model"] == MODEL
    # Query answers are snake_case too (the workflow's camelCase state is converted at the API).
    assert status.result["fallback_depth"] == 0 and "fallbackDepth" not in status.result

    signal = client.runs.signal(run.id, "nudge", args=[1, "two"])
    assert signal.accepted is True and signal.signal == "nudge"

    cancel = client.runs.cancel(run.id)
    assert cancel.id == run.id and cancel.status == "cancel_requested"
    _wait_for(client, run.id, "cancelled")
    finished = client.runs.get(run.id)
    assert finished.error is not None and finished.error.code == "run_cancelled"

    with pytest.raises(ConflictError) as caught:
        client.runs.cancel(run.id, max_retries=0)
    assert caught.value.code == "run_not_running"


def test_a_background_run_completes(client: SomaAgent) -> None:
    run = client.completions.start(model=MODEL, messages=user("in the background"))
    _wait_for(client, run.id, "completed")
    completion = client.runs.get(run.id).completion
    assert completion is not None and "in the background" in completion.text


def test_events_and_follow(client: SomaAgent, emulator: Emulator) -> None:
    done = client.completions.create(model=MODEL, messages=user("history please"))
    events = client.runs.events(done.id)
    assert events[0].type == "workflow_execution_started"
    assert events[-1].type == "workflow_execution_completed"
    assert all(isinstance(e.id, int) for e in events)

    emulator.configure(latency_ms=700)
    run = client.completions.start(model=MODEL, messages=user("follow me"))
    with client.runs.follow(run.id) as stream:
        followed = [event.type for event in stream]
    assert stream.run_closed is True
    assert followed[0] == "workflow_execution_started" and followed[-1] == "workflow_execution_completed"


async def test_follow_async(async_client: AsyncSomaAgent) -> None:
    run = await async_client.completions.start(model=MODEL, messages=user("follow me too"))
    types = [event.type async for event in async_client.runs.follow(run.id)]
    assert types[-1] == "workflow_execution_completed"
