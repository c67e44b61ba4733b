"""``client.runs``: list, inspect, query, signal and cancel the tenant's runs (any workflow kind)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, as_is, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, async_stream_method, sync_method, sync_stream_method
from .._streaming import AsyncRunEventStream, RunEventStream
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.runs import Run, RunCancelResult, RunHistoryEvent, RunQueryResult, RunSignalResult

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Runs", "AsyncRuns"]


def _list(*, limit: Union[int, NotGiven] = NOT_GIVEN, kind: Union[str, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[Run]]:
    """The tenant's runs, newest first (``limit`` 1-200, default 50; ``kind`` e.g. ``completion``)."""
    return api_request("GET", "/v1/runs", list_parser(Run), options, query={"limit": limit, "kind": kind})


def _get(run_id: str, **options: Unpack[RequestOptions]) -> APIRequest[Run]:
    """A run's status, and its result or error once finished (``run.completion`` for a completion run)."""
    return api_request("GET", f"/v1/runs/{path_param('run_id', run_id)}", model_parser(Run), options)


def _events(run_id: str, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[RunHistoryEvent]]:
    """The run's history so far, event by event (type, time, activity summary, failure), the way
    the Temporal Web UI shows it; never inputs or results. ``follow`` streams them live."""
    return api_request("GET", f"/v1/runs/{path_param('run_id', run_id)}/events", list_parser(RunHistoryEvent), options)


def _follow(run_id: str, **options: Unpack[RequestOptions]) -> APIRequest[Any]:
    """Streams the run's history events as they happen, from the first, until the run closes.

    Returns a ``RunEventStream`` of ``RunHistoryEvent``; ``run_closed`` says, at the end, whether
    the run closed. Closing the stream early leaves the run alone.
    """
    return api_request("GET", f"/v1/runs/{path_param('run_id', run_id)}/events", as_is, options, query={"follow": True})


def _query(run_id: str, name: str, *, args: Union[Iterable[Any], NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[RunQueryResult]:
    """Runs the workflow query ``name`` with ``args``; its answer is ``result.result``."""
    body = {"args": list(args)} if not isinstance(args, NotGiven) else {}
    return api_request("POST", f"/v1/runs/{path_param('run_id', run_id)}/query/{path_param('name', name)}", model_parser(RunQueryResult), options, body=body)


def _signal(run_id: str, name: str, *, args: Union[Iterable[Any], NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[RunSignalResult]:
    """Sends the signal ``name`` with ``args`` to a running workflow (ConflictError once it finished)."""
    body = {"args": list(args)} if not isinstance(args, NotGiven) else {}
    return api_request("POST", f"/v1/runs/{path_param('run_id', run_id)}/signal/{path_param('name', name)}", model_parser(RunSignalResult), options, body=body)


def _cancel(run_id: str, **options: Unpack[RequestOptions]) -> APIRequest[RunCancelResult]:
    """Requests cancellation of a running run (ConflictError once it finished)."""
    return api_request("POST", f"/v1/runs/{path_param('run_id', run_id)}/cancel", model_parser(RunCancelResult), options)


class Runs(SyncAPIResource):
    list = sync_method(_list)
    get = sync_method(_get)
    events = sync_method(_events)
    follow = sync_stream_method(_follow, RunEventStream)
    query = sync_method(_query)
    signal = sync_method(_signal)
    cancel = sync_method(_cancel)


class AsyncRuns(AsyncAPIResource):
    list = async_method(_list)
    get = async_method(_get)
    events = async_method(_events)
    follow = async_stream_method(_follow, AsyncRunEventStream)
    query = async_method(_query)
    signal = async_method(_signal)
    cancel = async_method(_cancel)
