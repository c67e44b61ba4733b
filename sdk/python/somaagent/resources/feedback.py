"""``client.feedback``: feedback on runs (ratings, corrections, labels; the author is the calling key)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Literal, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.router import RunFeedback

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Feedback", "AsyncFeedback"]


def _create(
    run_id: str,
    *,
    rating: Union[float, NotGiven] = NOT_GIVEN,
    rating_scale: Union[Literal["signed", "five_point"], NotGiven] = NOT_GIVEN,
    corrected_output: Union[str, NotGiven] = NOT_GIVEN,
    labels: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    comment: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[RunFeedback]:
    """Records feedback on a run: at least one of ``rating`` (-1..1, or 1..5 with
    ``rating_scale="five_point"``), ``corrected_output``, ``labels`` and ``comment``."""
    body = {
        "rating": rating,
        "rating_scale": rating_scale,
        "corrected_output": corrected_output,
        "labels": labels if isinstance(labels, NotGiven) else list(labels),
        "comment": comment,
    }
    return api_request("POST", f"/v1/runs/{path_param('run_id', run_id)}/feedback", model_parser(RunFeedback), options, body=body)


def _list(run_id: str, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[RunFeedback]]:
    """The feedback a run received, oldest first."""
    return api_request("GET", f"/v1/runs/{path_param('run_id', run_id)}/feedback", list_parser(RunFeedback), options)


class Feedback(SyncAPIResource):
    create = sync_method(_create)
    list = sync_method(_list)


class AsyncFeedback(AsyncAPIResource):
    create = async_method(_create)
    list = async_method(_list)
