"""``client.budgets``: the tenant's spending limits (admins set them through ``client.admin.budgets``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._models import ListObject, list_parser
from .._request import APIRequest, api_request
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import RequestOptions
from ..types.budgets import Budget

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Budgets", "AsyncBudgets"]


def _list(**options: Unpack[RequestOptions]) -> APIRequest[ListObject[Budget]]:
    """The tenant's budgets, with what was spent in the current period and what remains."""
    return api_request("GET", "/v1/budgets", list_parser(Budget), options)


class Budgets(SyncAPIResource):
    list = sync_method(_list)


class AsyncBudgets(AsyncAPIResource):
    list = async_method(_list)
