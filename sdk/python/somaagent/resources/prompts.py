"""``client.prompts``: prompt templates with immutable versions (``prompts.versions``), audited
labels (``prompts.labels``), diffs and rendering."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, List, Mapping, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.completions import MessageParam
from ..types.prompts import LabelEvent, PromptDiff, PromptLabel, PromptRender, PromptTemplate, PromptTemplateVersion

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._client import AsyncSomaAgent, SomaAgent

__all__ = ["Prompts", "AsyncPrompts"]


def _template_path(name: str) -> str:
    return f"/v1/prompts/{path_param('name', name)}"


def _messages(messages: Union[Iterable[MessageParam], NotGiven]) -> Union[List[MessageParam], NotGiven]:
    return messages if isinstance(messages, NotGiven) else list(messages)


def _list(*, limit: Union[int, NotGiven] = NOT_GIVEN, after: Union[str, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[PromptTemplate]]:
    """The tenant's templates by name; page with ``after`` (the last name seen) while ``has_more``."""
    return api_request("GET", "/v1/prompts", list_parser(PromptTemplate), options, query={"limit": limit, "after": after})


def _create(
    *,
    name: str,
    text: Union[str, NotGiven] = NOT_GIVEN,
    messages: Union[Iterable[MessageParam], NotGiven] = NOT_GIVEN,
    variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    description: Union[str, NotGiven] = NOT_GIVEN,
    labels: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    note: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[PromptTemplate]:
    """Creates a template with its version 1: a ``text`` template or chat ``messages`` (Nunjucks),
    with a JSON Schema of its ``variables``; ``labels`` point at version 1. ConflictError
    (``template_exists``) when the name is taken."""
    body = {
        "name": name,
        "description": description,
        "labels": labels if isinstance(labels, NotGiven) else list(labels),
        "text": text,
        "messages": _messages(messages),
        "variables": variables,
        "note": note,
    }
    return api_request("POST", "/v1/prompts", model_parser(PromptTemplate), options, body=body)


def _get(name: str, **options: Unpack[RequestOptions]) -> APIRequest[PromptTemplate]:
    """A template, its labels and its latest version (``template.latest``)."""
    return api_request("GET", _template_path(name), model_parser(PromptTemplate), options)


def _render(
    name: str,
    *,
    label: Union[str, NotGiven] = NOT_GIVEN,
    version: Union[int, NotGiven] = NOT_GIVEN,
    variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[PromptRender]:
    """Validates ``variables`` and renders a version (by ``label`` or ``version``; by default
    ``production``, else the latest) to text or chat messages. Invalid variables raise
    BadRequestError ``variables_invalid`` with every problem in ``details``."""
    return api_request("POST", f"{_template_path(name)}/render", model_parser(PromptRender), options, body={"label": label, "version": version, "variables": variables})


def _diff(name: str, *, from_: int, to: int, **options: Unpack[RequestOptions]) -> APIRequest[PromptDiff]:
    """Unified diff between versions ``from_`` and ``to`` (template text and variables schema)."""
    return api_request("GET", f"{_template_path(name)}/diff", model_parser(PromptDiff), options, query={"from": from_, "to": to})


def _list_versions(
    name: str,
    *,
    limit: Union[int, NotGiven] = NOT_GIVEN,
    before: Union[int, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[ListObject[PromptTemplateVersion]]:
    """Versions newest first, without content; page with ``before`` (the last version seen)."""
    return api_request("GET", f"{_template_path(name)}/versions", list_parser(PromptTemplateVersion), options, query={"limit": limit, "before": before})


def _create_version(
    name: str,
    *,
    text: Union[str, NotGiven] = NOT_GIVEN,
    messages: Union[Iterable[MessageParam], NotGiven] = NOT_GIVEN,
    variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    note: Union[str, NotGiven] = NOT_GIVEN,
    labels: Union[Iterable[str], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[PromptTemplateVersion]:
    """Adds the next immutable version and moves ``labels`` to it. Content equal to the latest
    version adds nothing: ``created`` is then False."""
    body = {
        "text": text,
        "messages": _messages(messages),
        "variables": variables,
        "note": note,
        "labels": labels if isinstance(labels, NotGiven) else list(labels),
    }
    return api_request("POST", f"{_template_path(name)}/versions", model_parser(PromptTemplateVersion), options, body=body)


def _get_version(name: str, version: int, **options: Unpack[RequestOptions]) -> APIRequest[PromptTemplateVersion]:
    """One version, with its content and variables schema."""
    return api_request("GET", f"{_template_path(name)}/versions/{path_param('version', version)}", model_parser(PromptTemplateVersion), options)


def _move_label(
    name: str,
    label: str,
    *,
    version: int,
    expected_version: Union[int, None, NotGiven] = NOT_GIVEN,
    reason: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[PromptLabel]:
    """Points ``label`` at ``version``, atomically and audited (a rollback is a move to an older
    version). ``expected_version`` is compare-and-set: move only if the label points there now
    (None: only if it does not exist yet); otherwise ConflictError ``label_conflict``."""
    body = {"version": version, "expected_version": expected_version, "reason": reason}
    return api_request("PUT", f"{_template_path(name)}/labels/{path_param('label', label)}", model_parser(PromptLabel), options, body=body)


def _delete_label(name: str, label: str, *, reason: Union[str, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[PromptLabel]:
    """Removes a label (audited)."""
    return api_request("DELETE", f"{_template_path(name)}/labels/{path_param('label', label)}", model_parser(PromptLabel), options, query={"reason": reason})


def _label_history(name: str, *, limit: Union[int, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[LabelEvent]]:
    """Who moved which label from which version to which, when and why (newest first)."""
    return api_request("GET", f"{_template_path(name)}/label-history", list_parser(LabelEvent), options, query={"limit": limit})


class Versions(SyncAPIResource):
    list = sync_method(_list_versions)
    create = sync_method(_create_version)
    get = sync_method(_get_version)


class Labels(SyncAPIResource):
    move = sync_method(_move_label)
    delete = sync_method(_delete_label)
    history = sync_method(_label_history)


class Prompts(SyncAPIResource):
    list = sync_method(_list)
    create = sync_method(_create)
    get = sync_method(_get)
    render = sync_method(_render)
    diff = sync_method(_diff)

    def __init__(self, client: SomaAgent) -> None:
        super().__init__(client)
        self.versions = Versions(client)
        self.labels = Labels(client)


class AsyncVersions(AsyncAPIResource):
    list = async_method(_list_versions)
    create = async_method(_create_version)
    get = async_method(_get_version)


class AsyncLabels(AsyncAPIResource):
    move = async_method(_move_label)
    delete = async_method(_delete_label)
    history = async_method(_label_history)


class AsyncPrompts(AsyncAPIResource):
    list = async_method(_list)
    create = async_method(_create)
    get = async_method(_get)
    render = async_method(_render)
    diff = async_method(_diff)

    def __init__(self, client: AsyncSomaAgent) -> None:
        super().__init__(client)
        self.versions = AsyncVersions(client)
        self.labels = AsyncLabels(client)


