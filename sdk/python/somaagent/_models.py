"""Response models: plain dataclasses built from the API's JSON, with no dependency but the
standard library.

Why dataclasses: attribute access like the OpenAI/Anthropic SDKs (``completion.text``), exact
types under ``mypy --strict``, and nothing to install beyond httpx. Each model keeps the JSON it
was built from: ``to_dict()`` returns it whole, including fields newer than this SDK. Building is
lenient on purpose, so that a newer API never breaks an older SDK: unknown fields are kept
aside, a missing optional field is None, and values are not coerced beyond int to float.
"""

from __future__ import annotations

import copy
import dataclasses
import sys
import typing
from typing import Any, Callable, Dict, Generic, Iterator, List, Mapping, Optional, Type, TypeVar, Union, overload

__all__ = ["BaseModel", "ListObject", "model_parser", "list_parser"]

M = TypeVar("M", bound="BaseModel")
T = TypeVar("T")

_NoneType = type(None)


class BaseModel:
    """Base of every response dataclass."""

    _raw: Dict[str, Any]

    @classmethod
    def construct(cls: Type[M], data: Mapping[str, Any]) -> M:
        """Builds the model from a JSON object (as the API sent it)."""
        hints = _type_hints(cls)
        kwargs: Dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            key = f.metadata.get("json", f.name)
            if key in data:
                kwargs[f.name] = _convert(hints[f.name], data[key])
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                kwargs[f.name] = None
        model = cls(**kwargs)
        model._raw = dict(data)
        return model

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object this model was built from (a copy), unknown fields included."""
        raw = getattr(self, "_raw", None)
        if raw is not None:
            return copy.deepcopy(raw)
        return {f.metadata.get("json", f.name): _to_json(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]


class ListObject(Generic[T]):
    """A list answer (``{"object": "list", "data": [...]}``): iterable, sized and indexable."""

    def __init__(self, data: List[T], *, has_more: Optional[bool] = None, raw: Optional[Dict[str, Any]] = None) -> None:
        self.object = "list"
        self.data = data
        self.has_more = has_more
        """Present on paged lists: True when another page may follow."""
        self._raw = raw if raw is not None else {"object": "list", "data": [_to_json(d) for d in data]}

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> List[T]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[T, List[T]]:
        return self.data[index]

    def to_dict(self) -> Dict[str, Any]:
        return copy.deepcopy(self._raw)

    def __repr__(self) -> str:
        more = "" if self.has_more is None else f", has_more={self.has_more}"
        return f"ListObject(data={self.data!r}{more})"


def model_parser(cls: Type[M]) -> Callable[[Any], M]:
    """A parser of a JSON object into ``cls``."""

    def parse(data: Any) -> M:
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object for {cls.__name__}, got {type(data).__name__}")
        return cls.construct(data)

    return parse


def list_parser(cls: Type[M]) -> Callable[[Any], ListObject[M]]:
    """A parser of ``{"object": "list", "data": [...]}`` into a ``ListObject`` of ``cls``."""

    def parse(data: Any) -> ListObject[M]:
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise TypeError(f"expected a JSON list object of {cls.__name__}")
        items = [cls.construct(item) if isinstance(item, dict) else item for item in data["data"]]
        has_more = data.get("has_more")
        return ListObject(items, has_more=has_more if isinstance(has_more, bool) else None, raw=dict(data))

    return parse


_hints_cache: Dict[type, Dict[str, Any]] = {}


def _type_hints(cls: type) -> Dict[str, Any]:
    """The field types of a model, each evaluated in the module of the class that declares it
    (never in a class namespace, where a field named ``type`` would shadow the builtin)."""
    hints = _hints_cache.get(cls)
    if hints is None:
        fields = {f.name for f in dataclasses.fields(cls)}
        hints = {}
        for base in reversed(cls.__mro__):
            namespace = vars(sys.modules[base.__module__])
            for name, annotation in vars(base).get("__annotations__", {}).items():
                if name in fields:
                    hints[name] = eval(annotation, namespace, namespace) if isinstance(annotation, str) else annotation
        _hints_cache[cls] = hints
    return hints


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin is Union:
        options = [a for a in typing.get_args(tp) if a is not _NoneType]
        if len(options) == 1:
            return _convert(options[0], value)
        return value
    if origin is list:
        if not isinstance(value, list):
            return value
        (item,) = typing.get_args(tp) or (Any,)
        return [_convert(item, v) for v in value]
    if origin is dict:
        if not isinstance(value, dict):
            return value
        args = typing.get_args(tp)
        item_type = args[1] if len(args) == 2 else Any
        return {k: _convert(item_type, v) for k, v in value.items()}
    if isinstance(tp, type):
        if issubclass(tp, BaseModel):
            return tp.construct(value) if isinstance(value, dict) else value
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
    return value


def _to_json(value: Any) -> Any:
    if isinstance(value, (BaseModel, ListObject)):
        return value.to_dict()
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value
