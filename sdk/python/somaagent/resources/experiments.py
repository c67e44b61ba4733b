"""``client.experiments``: A/B experiments between versions of a prompt template, each a
Temporal workflow that stops on sample size, deadline or guardrail and waits for approval."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Union

from .._models import ListObject, list_parser, model_parser
from .._request import APIRequest, api_request, path_param
from .._resource import AsyncAPIResource, SyncAPIResource, async_method, sync_method
from .._types import NOT_GIVEN, NotGiven, RequestOptions
from ..types.experiments import (
    Experiment,
    ExperimentApproval,
    ExperimentAssignment,
    ExperimentOutcome,
    ExperimentResults,
    GuardrailParam,
    VariantParam,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Experiments", "AsyncExperiments"]


def _path(experiment_id: str) -> str:
    return f"/v1/experiments/{path_param('experiment_id', experiment_id)}"


def _list(*, limit: Union[int, NotGiven] = NOT_GIVEN, **options: Unpack[RequestOptions]) -> APIRequest[ListObject[Experiment]]:
    """The tenant's experiments, newest first."""
    return api_request("GET", "/v1/experiments", list_parser(Experiment), options, query={"limit": limit})


def _create(
    *,
    name: str,
    template: str,
    variants: Iterable[VariantParam],
    metric: Literal["score", "success"],
    goal: Union[Literal["maximize", "minimize"], NotGiven] = NOT_GIVEN,
    confidence: Union[float, NotGiven] = NOT_GIVEN,
    min_samples_per_variant: Union[int, NotGiven] = NOT_GIVEN,
    max_duration_seconds: Union[float, NotGiven] = NOT_GIVEN,
    check_interval_seconds: Union[float, NotGiven] = NOT_GIVEN,
    guardrail: Union[GuardrailParam, None, NotGiven] = NOT_GIVEN,
    approval_timeout_seconds: Union[float, NotGiven] = NOT_GIVEN,
    promote_label: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[Experiment]:
    """Starts an experiment between ``variants`` (versions of ``template``; the first is the
    control). ``metric`` ``score`` is compared with Welch's t-test, ``success`` with a
    two-proportion z-test. ``guardrail=None`` turns the early stop on a worse treatment off."""
    body = {
        "name": name,
        "template": template,
        "variants": list(variants),
        "metric": metric,
        "goal": goal,
        "confidence": confidence,
        "min_samples_per_variant": min_samples_per_variant,
        "max_duration_seconds": max_duration_seconds,
        "check_interval_seconds": check_interval_seconds,
        "guardrail": guardrail,
        "approval_timeout_seconds": approval_timeout_seconds,
        "promote_label": promote_label,
    }
    return api_request("POST", "/v1/experiments", model_parser(Experiment), options, body=body)


def _get(experiment_id: str, **options: Unpack[RequestOptions]) -> APIRequest[Experiment]:
    """Status, stop reason, recommendation and decision."""
    return api_request("GET", _path(experiment_id), model_parser(Experiment), options)


def _assign(
    experiment_id: str,
    *,
    subject_id: str,
    variables: Union[Mapping[str, Any], NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[ExperimentAssignment]:
    """The subject's variant (sticky: the same subject always gets the same one), recorded as an
    exposure; rendered (``assignment.rendered``) when ``variables`` are given."""
    return api_request("POST", f"{_path(experiment_id)}/assignments", model_parser(ExperimentAssignment), options, body={"subject_id": subject_id, "variables": variables})


def _record_outcome(
    experiment_id: str,
    *,
    subject_id: str,
    value: Union[float, NotGiven] = NOT_GIVEN,
    success: Union[bool, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[ExperimentOutcome]:
    """Records an exposed subject's outcome: ``value`` for a score metric, ``success`` for a success metric."""
    return api_request("POST", f"{_path(experiment_id)}/outcomes", model_parser(ExperimentOutcome), options, body={"subject_id": subject_id, "value": value, "success": success})


def _results(experiment_id: str, **options: Unpack[RequestOptions]) -> APIRequest[ExperimentResults]:
    """Per-variant counts, means and confidence intervals, and each variant's p-value against the control."""
    return api_request("GET", f"{_path(experiment_id)}/results", model_parser(ExperimentResults), options)


def _approve(
    experiment_id: str,
    *,
    decision: Literal["approve", "reject"],
    variant: Union[str, NotGiven] = NOT_GIVEN,
    comment: Union[str, NotGiven] = NOT_GIVEN,
    **options: Unpack[RequestOptions],
) -> APIRequest[ExperimentApproval]:
    """Approves (promotes the recommended variant, or ``variant``) or rejects, once the experiment awaits approval."""
    return api_request("POST", f"{_path(experiment_id)}/approval", model_parser(ExperimentApproval), options, body={"decision": decision, "variant": variant, "comment": comment})


class Experiments(SyncAPIResource):
    list = sync_method(_list)
    create = sync_method(_create)
    get = sync_method(_get)
    assign = sync_method(_assign)
    record_outcome = sync_method(_record_outcome)
    results = sync_method(_results)
    approve = sync_method(_approve)


class AsyncExperiments(AsyncAPIResource):
    list = async_method(_list)
    create = async_method(_create)
    get = async_method(_get)
    assign = async_method(_assign)
    record_outcome = async_method(_record_outcome)
    results = async_method(_results)
    approve = async_method(_approve)
