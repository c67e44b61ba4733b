"""``client.conversations``: threads of messages. A completion with ``conversation=`` sees the
conversation's recent history and adds its turn and answer to it, once per run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.conversations import Conversation, ConversationDeleted, ConversationMessage, ConversationMessageParam

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._client import AsyncSomaAgent, SomaAgent

__all__ = ["Conversations", "AsyncConversations"]


def _path(conversation_id: str) -> str:
    return f"/v1/conversations/{path_param('conversation_id', conversation_id)}"


def _list(*, limit: Union[int, NotGiven] = NOT_GIVEN, before: Union[str, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[Conversation]]:
    """The tenant's conversations, most recently updated first; page with ``before`` (an ISO
    8601 time: the ``updated_at`` of the last one seen) while ``has_more``."""
    return api_request("GET", "/v1/conversations", list_parser(Conversation), options, query={"limit": limit, "before": before})


def _create(
    *,
    title: Union[str, NotGiven] = NOT_GIVEN,
    metadata: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    messages: Union[Iterable[ConversationMessageParam], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Conversation]:
    """Starts a conversation, optionally with messages."""
    body = {"title": title, "metadata": metadata, "messages": messages if isinstance(messages, NotGiven) else list(messages)}
    return api_request("POST", "/v1/conversations", model_parser(Conversation), options, body=body)


def _get(conversation_id: str, **options: Unpack[RequestOptions]) -> APIRequest[Conversation]:
    """A conversation with its messages, oldest first."""
    return api_request("GET", _path(conversation_id), model_parser(Conversation), options)


def _delete(conversation_id: str, **options: Unpack[RequestOptions]) -> APIRequest[ConversationDeleted]:
    """Deletes a conversation and its messages."""
    return api_request("DELETE", _path(conversation_id), model_parser(ConversationDeleted), options)


def _append(conversation_id: str, *, messages: Iterable[ConversationMessageParam], **options: Unpack[RequestOptions]) -> APIRequest[ListObject[ConversationMessage]]:
    """Adds messages to a conversation; returns them as stored."""
    return api_request("POST", f"{_path(conversation_id)}/messages", list_parser(ConversationMessage), options, body={"messages": list(messages)})


class Messages(SyncAPIResource):
    create = sync_method(_append)


class Conversations(SyncAPIResource):
    list = sync_method(_list)
    create = sync_method(_create)
    get = sync_method(_get)
    delete = sync_method(_delete)

    def __init__(self, client: SomaAgent) -> None:
        super().__init__(client)
        self.messages = Messages(client)


class AsyncMessages(AsyncAPIResource):
    create = async_method(_append)


class AsyncConversations(AsyncAPIResource):
    list = async_method(_list)
    create = async_method(_create)
    get = async_method(_get)
    delete = async_method(_delete)

    def __init__(self, client: AsyncSomaAgent) -> None:
        super().__init__(client)
        self.messages = AsyncMessages(client)
