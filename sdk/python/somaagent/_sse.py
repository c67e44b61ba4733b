"""A small Server-Sent Events decoder, fed line by line (the WHATWG event-stream rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import AsyncIterator, Iterator, List, Optional


@dataclass
class ServerSentEvent:
    event: str
    """The event name; ``message`` when the block named none."""
    data: str
    """The data lines, joined with newlines."""
    id: Optional[str] = None
    retry: Optional[int] = None


class SSEDecoder:
    """Collects the fields of one event; a blank line dispatches it. Comments (``: keep-alive``) are skipped."""

    def __init__(self) -> None:
        self._event: Optional[str] = None
        self._data: List[str] = []
        self._id: Optional[str] = None
        self._retry: Optional[int] = None

    def decode(self, line: str) -> Optional[ServerSentEvent]:
        line = line.rstrip("\r\n")
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry":
            if value.isdigit():
                self._retry = int(value)
        return None

    def _dispatch(self) -> Optional[ServerSentEvent]:
        # A block with no data line is not an event (per the spec), only a reset of the fields.
        event = None
        if self._data:
            event = ServerSentEvent(event=self._event or "message", data="\n".join(self._data), id=self._id, retry=self._retry)
        self._event = None
        self._data = []
        self._retry = None
        return event


def iter_events(lines: Iterator[str]) -> Iterator[ServerSentEvent]:
    decoder = SSEDecoder()
    for line in lines:
        event = decoder.decode(line)
        if event is not None:
            yield event


async def aiter_events(lines: AsyncIterator[str]) -> AsyncIterator[ServerSentEvent]:
    decoder = SSEDecoder()
    async for line in lines:
        event = decoder.decode(line)
        if event is not None:
            yield event
