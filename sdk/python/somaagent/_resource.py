"""Resources (``client.runs``, ``client.prompts.versions``, ...) and how their methods are made.

Each API operation is one function that builds an ``APIRequest`` from its arguments.
``sync_method`` and ``async_method`` turn that function into a method of a sync or async
resource with the same signature and docstring, so an operation is written once and both
clients stay in step.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Dict, Optional, TypeVar

from ._request import APIRequest

if TYPE_CHECKING:
    from typing_extensions import Concatenate, ParamSpec

    from ._client import AsyncSomaAgent, SomaAgent

    P = ParamSpec("P")

T = TypeVar("T")
S = TypeVar("S")


class _Resource:
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A method made from an operation is named after its attribute (`get`, not `_get`).
        for name, value in vars(cls).items():
            if inspect.isfunction(value) and getattr(value, "__wrapped__", None) is not None:
                value.__name__ = name
                value.__qualname__ = f"{cls.__qualname__}.{name}"


class SyncAPIResource(_Resource):
    def __init__(self, client: SomaAgent) -> None:
        self._client = client


class AsyncAPIResource(_Resource):
    def __init__(self, client: AsyncSomaAgent) -> None:
        self._client = client


def sync_method(build: Callable[P, APIRequest[T]]) -> Callable[Concatenate[SyncAPIResource, P], T]:
    def method(self: SyncAPIResource, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._client._request(build(*args, **kwargs))

    return describe(method, build)


def async_method(build: Callable[P, APIRequest[T]]) -> Callable[Concatenate[AsyncAPIResource, P], Coroutine[Any, Any, T]]:
    async def method(self: AsyncAPIResource, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._client._request(build(*args, **kwargs))

    return describe(method, build)


def sync_stream_method(build: Callable[P, APIRequest[Any]], stream: Callable[[SomaAgent, APIRequest[Any]], S]) -> Callable[Concatenate[SyncAPIResource, P], S]:
    """A method that opens an event stream (``stream`` is the stream class) for the request."""

    def method(self: SyncAPIResource, /, *args: P.args, **kwargs: P.kwargs) -> S:
        return stream(self._client, build(*args, **kwargs))

    return describe(method, build, returns=getattr(stream, "__name__", None))


def async_stream_method(build: Callable[P, APIRequest[Any]], stream: Callable[[AsyncSomaAgent, APIRequest[Any]], S]) -> Callable[Concatenate[AsyncAPIResource, P], S]:
    """The async ``sync_stream_method``: the stream opens when first awaited or iterated."""

    def method(self: AsyncAPIResource, /, *args: P.args, **kwargs: P.kwargs) -> S:
        return stream(self._client, build(*args, **kwargs))

    return describe(method, build, returns=getattr(stream, "__name__", None))


def request_variant(build: Callable[P, APIRequest[Any]], fields: Dict[str, Any], parse: Callable[[Any], T], returns: str, doc: str) -> Callable[P, APIRequest[T]]:
    """The same operation with extra body fields (``background``, ``stream``, ``wait``) and another answer."""

    def variant(*args: P.args, **kwargs: P.kwargs) -> APIRequest[T]:
        request = build(*args, **kwargs)
        return dataclasses.replace(request, body={**(request.body or {}), **fields}, parse=parse)

    functools.update_wrapper(variant, build)
    variant.__doc__ = doc
    variant.__signature__ = inspect.signature(build).replace(return_annotation=f"APIRequest[{returns}]")  # type: ignore[attr-defined]
    return variant


_F = TypeVar("_F", bound=Callable[..., Any])


def describe(method: _F, build: Callable[..., Any], returns: Optional[str] = None) -> _F:
    """Gives the method the operation's name, docstring and signature (for help() and IDEs):
    ``self`` first, and what the method returns rather than the request the operation builds."""
    functools.update_wrapper(method, build)
    signature = inspect.signature(build)
    result = signature.return_annotation
    if returns is not None:
        result = returns
    elif isinstance(result, str) and result.startswith("APIRequest[") and result.endswith("]"):
        result = result[len("APIRequest[") : -1]
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    method.__signature__ = signature.replace(parameters=[self_param, *signature.parameters.values()], return_annotation=result)  # type: ignore[attr-defined]
    return method
