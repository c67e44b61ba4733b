"""Event streams of the API (Server-Sent Events), as typed iterators.

``_SyncStream`` and ``_AsyncStream`` do the I/O: open the request (with the client's retries),
read events, close. What the events mean is decided once, by the event classes they are
combined with: ``_CompletionEvents`` (a streamed completion: it keeps the text so far and drops
it when a retry or fallback says ``discard_text``) and ``_RunHistoryEvents`` (a followed run).
An ``error`` event raises the matching ``APIStatusError``. Closing a stream before its end closes
the connection; for a completion, that cancels the run.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import TYPE_CHECKING, Any, AsyncGenerator, Dict, Generator, Generic, Iterator, List, Optional, Type, TypeVar

import httpx

from ._exceptions import APIConnectionError, APIResponseValidationError, APITimeoutError, make_status_error
from ._request import APIRequest
from ._sse import ServerSentEvent, aiter_events, iter_events
from .types.completions import (
    Completion,
    CompletionEvent,
    CompletionStreamEvent,
    DeltaEvent,
    FallbackEvent,
    RetryEvent,
    RunEvent,
    ToolCallDeltaEvent,
)
from .types.runs import RunHistoryEvent

if TYPE_CHECKING:
    from ._client import AsyncSomaAgent, SomaAgent

__all__ = ["CompletionStream", "AsyncCompletionStream", "RunEventStream", "AsyncRunEventStream"]

E = TypeVar("E")
_S = TypeVar("_S", bound="_AsyncStream[Any]")
_T = TypeVar("_T", bound="_SyncStream[Any]")


class _StreamBase(Generic[E]):
    response: Optional[httpx.Response]
    """The HTTP response, once the stream is open."""

    # Read the first event as soon as the stream opens (a completion's run id comes first).
    _prefetch = False

    def __init__(self) -> None:
        self.response = None
        self._pending: List[E] = []
        self._init_state()

    def _init_state(self) -> None:
        pass

    def _on_event(self, sse: ServerSentEvent, data: Dict[str, Any]) -> Optional[E]:
        """The typed event for one SSE event; None to skip it. Raises for ``error`` events."""
        raise NotImplementedError

    @property
    def request_id(self) -> Optional[str]:
        return self.response.headers.get("x-request-id") if self.response is not None else None

    def _decode(self, sse: ServerSentEvent) -> Optional[E]:
        response = self.response
        assert response is not None
        try:
            data: Any = json.loads(sse.data)
        except ValueError:
            raise APIResponseValidationError(f"The {sse.event!r} event does not carry JSON.", response=response, body=sse.data) from None
        if not isinstance(data, dict):
            raise APIResponseValidationError(f"The {sse.event!r} event does not carry a JSON object.", response=response, body=data)
        if sse.event == "error":
            status = data.get("status")
            raise make_status_error(status if isinstance(status, int) else 500, {"error": data.get("error")}, headers=response.headers, request=response.request)
        return self._on_event(sse, data)

    @staticmethod
    def _check_opened(response: httpx.Response) -> None:
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith("text/event-stream"):
            raise APIResponseValidationError(f"Expected an event stream, got {content_type or 'no content type'}.", response=response)

    @staticmethod
    def _broken(error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError(request=request)
        return APIConnectionError(f"The stream broke: {error}", request=request)


class _SyncStream(_StreamBase[E]):
    """Opens at once, so that a request the API refuses raises where the stream is asked for."""

    def __init__(self, client: SomaAgent, request: APIRequest[Any]) -> None:
        super().__init__()
        response = client._send(request, stream=True)
        self.response = response
        self._events = self._read(response)
        try:
            self._check_opened(response)
            if self._prefetch:
                first = next(self._events, None)
                if first is not None:
                    self._pending.append(first)
        except BaseException:
            self.close()
            raise

    def _read(self, response: httpx.Response) -> Generator[E, None, None]:
        try:
            for sse in iter_events(response.iter_lines()):
                event = self._decode(sse)
                if event is not None:
                    yield event
        except httpx.TransportError as error:
            raise self._broken(error, response.request) from error

    def __iter__(self) -> Iterator[E]:
        return self

    def __next__(self) -> E:
        if self._pending:
            return self._pending.pop(0)
        try:
            return next(self._events)
        except BaseException:
            self.close()
            raise

    def until_done(self) -> None:
        """Reads the stream to its end."""
        for _ in self:
            pass

    def close(self) -> None:
        """Closes the connection (idempotent)."""
        self._events.close()
        if self.response is not None:
            self.response.close()

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        self.close()


class _AsyncStream(_StreamBase[E]):
    """Opens on ``async with``, on ``await``, or on the first ``async for`` step."""

    def __init__(self, client: AsyncSomaAgent, request: APIRequest[Any]) -> None:
        super().__init__()
        self._client = client
        self._request = request
        self._events: Optional[AsyncGenerator[E, None]] = None

    async def _open(self) -> AsyncGenerator[E, None]:
        if self._events is not None:
            return self._events
        response = await self._client._send(self._request, stream=True)
        self.response = response
        events = self._events = self._read(response)
        try:
            self._check_opened(response)
            if self._prefetch:
                self._pending.append(await events.__anext__())
        except StopAsyncIteration:
            pass
        except BaseException:
            await self.close()
            raise
        return events

    async def _read(self, response: httpx.Response) -> AsyncGenerator[E, None]:
        try:
            async for sse in aiter_events(response.aiter_lines()):
                event = self._decode(sse)
                if event is not None:
                    yield event
        except httpx.TransportError as error:
            raise self._broken(error, response.request) from error

    def __await__(self: _S) -> Generator[Any, None, _S]:
        return self._opened().__await__()

    async def _opened(self: _S) -> _S:
        await self._open()
        return self

    def __aiter__(self: _S) -> _S:
        return self

    async def __anext__(self) -> E:
        events = await self._open()
        if self._pending:
            return self._pending.pop(0)
        try:
            return await events.__anext__()
        except BaseException:
            await self.close()
            raise

    async def until_done(self) -> None:
        """Reads the stream to its end."""
        async for _ in self:
            pass

    async def close(self) -> None:
        """Closes the connection (idempotent)."""
        if self._events is not None:
            await self._events.aclose()
        if self.response is not None:
            await self.response.aclose()

    async def aclose(self) -> None:
        await self.close()

    async def __aenter__(self: _S) -> _S:
        await self._open()
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        await self.close()


class _CompletionEvents(_StreamBase[CompletionStreamEvent]):
    _prefetch = True

    def _init_state(self) -> None:
        self._run: Optional[RunEvent] = None
        self._parts: List[str] = []
        self._completion: Optional[Completion] = None

    @property
    def run_id(self) -> Optional[str]:
        """The run (workflow) id, known as soon as the stream is open."""
        return self._run.id if self._run else None

    @property
    def model(self) -> Optional[str]:
        """The first candidate model, from the ``run`` event."""
        return self._run.model if self._run else None

    @property
    def current_text(self) -> str:
        """The text received so far, of the attempt that is answering."""
        return "".join(self._parts)

    @property
    def completion(self) -> Optional[Completion]:
        """The final completion, once its event arrived."""
        return self._completion

    def _on_event(self, sse: ServerSentEvent, data: Dict[str, Any]) -> Optional[CompletionStreamEvent]:
        event: CompletionStreamEvent
        if sse.event == "run":
            event = self._run = RunEvent.construct(data)
        elif sse.event == "delta":
            event = DeltaEvent.construct(data)
            self._parts.append(event.text)
        elif sse.event == "tool_call_delta":
            event = ToolCallDeltaEvent.construct(data)
        elif sse.event in ("retry", "fallback"):
            event = RetryEvent.construct(data) if sse.event == "retry" else FallbackEvent.construct(data)
            if event.discard_text:
                self._parts = []
        elif sse.event == "completion":
            self._completion = Completion.construct(data)
            event = CompletionEvent(completion=self._completion)
            event._raw = data
        else:
            return None  # an event newer than this SDK
        return event

    def _final(self) -> Completion:
        if self._completion is None:
            request = self.response.request if self.response is not None else None
            raise APIConnectionError("The stream ended before its completion event.", request=request)
        return self._completion


class CompletionStream(_CompletionEvents, _SyncStream[CompletionStreamEvent]):
    """A streamed completion. Iterate it for ``RunEvent`` (first), ``DeltaEvent``,
    ``RetryEvent``, ``FallbackEvent`` and ``CompletionEvent`` (last); an ``error`` event raises
    the matching ``APIStatusError``.

    ``text()`` and ``get_final_completion()`` read the rest. Use it as a context manager or call
    ``close()``: leaving before the end closes the connection, which cancels the run.
    """

    def text(self) -> str:
        """Reads to the end; the answer's text (the deltas of the attempt that answered)."""
        self.until_done()
        return self.current_text

    def get_final_completion(self) -> Completion:
        """Reads to the end; the ``Completion``, the same as ``completions.create`` returns."""
        self.until_done()
        return self._final()


class AsyncCompletionStream(_CompletionEvents, _AsyncStream[CompletionStreamEvent]):
    """The async ``CompletionStream``: ``async with``, ``async for``, or ``await`` it to open it."""

    async def text(self) -> str:
        """Reads to the end; the answer's text (the deltas of the attempt that answered)."""
        await self.until_done()
        return self.current_text

    async def get_final_completion(self) -> Completion:
        """Reads to the end; the ``Completion``, the same as ``completions.create`` returns."""
        await self.until_done()
        return self._final()


class _RunHistoryEvents(_StreamBase[RunHistoryEvent]):
    def _init_state(self) -> None:
        self.run_closed: Optional[bool] = None
        """From the last event: True when the run closed, False when the server stopped first."""

    def _on_event(self, sse: ServerSentEvent, data: Dict[str, Any]) -> Optional[RunHistoryEvent]:
        if sse.event == "run_event":
            return RunHistoryEvent.construct(data)
        if sse.event == "end":
            self.run_closed = bool(data.get("closed"))
        return None


class RunEventStream(_RunHistoryEvents, _SyncStream[RunHistoryEvent]):
    """A run's history events as they happen, until the run closes (``runs.follow``)."""


class AsyncRunEventStream(_RunHistoryEvents, _AsyncStream[RunHistoryEvent]):
    """The async ``RunEventStream``."""
