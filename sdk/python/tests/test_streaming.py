"""Streamed completions: typed events, text, the final completion, errors and abort."""

from __future__ import annotations

import time

import pytest

from somaagent import AsyncSomaAgent, BadRequestError, CompletionStream, SomaAgent
from somaagent.types import CompletionEvent, DeltaEvent, FallbackEvent, RunEvent

from support import MODEL, SECOND_MODEL, Emulator, user

PROMPT = "please stream these words back to me one by one"


def test_stream_events_text_and_final_completion(client: SomaAgent, emulator: Emulator) -> None:
    emulator.configure(chunk_delay_ms=20)
    with client.completions.stream(model=MODEL, messages=user(PROMPT)) as stream:
        assert isinstance(stream, CompletionStream)
        assert stream.run_id is not None and stream.run_id.startswith("completion-")
        assert stream.model == MODEL
        events = list(stream)
    first, last = events[0], events[-1]
    assert isinstance(first, RunEvent) and first.id == stream.run_id and first.requested_model == MODEL
    deltas = [e.text for e in events if isinstance(e, DeltaEvent)]
    assert len(deltas) > 2, "text arrives in pieces"
    assert isinstance(last, CompletionEvent)
    assert last.completion.id == stream.run_id
    assert "".join(deltas) == last.completion.text == stream.current_text
    assert PROMPT in last.completion.text
    assert stream.get_final_completion() is last.completion
    assert client.runs.get(stream.run_id).status == "completed"


def test_text_reads_the_rest(client: SomaAgent, emulator: Emulator) -> None:
    emulator.configure(chunk_delay_ms=5)
    stream = client.completions.stream(model=MODEL, messages=user(PROMPT))
    text = stream.text()
    assert PROMPT in text
    completion = stream.get_final_completion()
    assert completion.text == text
    stream.close()


async def test_stream_async(async_client: AsyncSomaAgent, emulator: Emulator) -> None:
    emulator.configure(chunk_delay_ms=20)
    async with async_client.completions.stream(model=MODEL, messages=user(PROMPT)) as stream:
        assert stream.run_id is not None
        events = [event async for event in stream]
    assert isinstance(events[0], RunEvent)
    assert sum(isinstance(e, DeltaEvent) for e in events) > 2
    assert isinstance(events[-1], CompletionEvent)
    completion = await stream.get_final_completion()
    assert completion.text == stream.current_text and PROMPT in completion.text


async def test_stream_async_awaited_and_helpers(async_client: AsyncSomaAgent, emulator: Emulator) -> None:
    emulator.configure(chunk_delay_ms=5)
    stream = await async_client.completions.stream(model=MODEL, messages=user(PROMPT))
    assert stream.run_id is not None
    text = await stream.text()
    assert text == (await stream.get_final_completion()).text
    await stream.close()
    # And iterated without a context manager: it opens on the first step.
    events = [event async for event in async_client.completions.stream(model=MODEL, messages=user("short"))]
    assert isinstance(events[-1], CompletionEvent)


def test_a_fallback_mid_answer_discards_the_text_so_far(client: SomaAgent, emulator: Emulator) -> None:
    emulator.configure(chunk_delay_ms=10)
    emulator.fault("drop_mid_stream", count=1, model=MODEL)
    with client.completions.stream(models=[MODEL, SECOND_MODEL], messages=user(PROMPT)) as stream:
        events = list(stream)
    fallback = next(e for e in events if isinstance(e, FallbackEvent))
    assert fallback.from_ == MODEL and fallback.to == SECOND_MODEL
    assert fallback.discard_text is True and fallback.fallback_depth == 1
    before = events[: events.index(fallback)]
    assert any(isinstance(e, DeltaEvent) for e in before), "text of the dropped attempt was streamed"
    completion = stream.get_final_completion()
    assert completion.model == SECOND_MODEL
    # Only the answer of the model that answered: nothing spliced.
    assert stream.current_text == completion.text


def test_a_failure_after_the_start_raises_the_matching_error(client: SomaAgent, emulator: Emulator) -> None:
    emulator.fault("content_policy", count=1, model=MODEL)
    with client.completions.stream(model=MODEL, messages=user(PROMPT)) as stream:
        assert stream.run_id is not None
        with pytest.raises(BadRequestError) as caught:
            stream.get_final_completion()
    error = caught.value
    assert error.status_code == 400 and error.code == "content_policy"
    assert error.request_id is not None and error.request_id.startswith("req_")
    assert error.response is None


def test_a_refused_request_raises_before_any_event(client: SomaAgent) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.completions.stream(model="no-such-model", messages=user(PROMPT))
    assert caught.value.status_code == 400


def test_closing_a_stream_early_cancels_the_run(client: SomaAgent, emulator: Emulator) -> None:
    emulator.configure(chunk_delay_ms=300)
    with client.completions.stream(model=MODEL, messages=user(PROMPT)) as stream:
        run_id = stream.run_id
        assert run_id is not None
        assert isinstance(next(stream), RunEvent)
    assert stream.response is not None and stream.response.is_closed
    deadline = time.monotonic() + 15
    status = ""
    while time.monotonic() < deadline:
        status = client.runs.get(run_id).status
        if status != "running":
            break
        time.sleep(0.2)
    assert status == "cancelled"


async def test_closing_an_async_stream_early_cancels_the_run(async_client: AsyncSomaAgent, emulator: Emulator) -> None:
    import asyncio

    emulator.configure(chunk_delay_ms=300)
    stream = async_client.completions.stream(model=MODEL, messages=user(PROMPT))
    async for event in stream:
        assert isinstance(event, RunEvent)
        break
    await stream.close()
    assert stream.run_id is not None
    for _ in range(75):
        run = await async_client.runs.get(stream.run_id)
        if run.status != "running":
            break
        await asyncio.sleep(0.2)
    assert run.status == "cancelled"
