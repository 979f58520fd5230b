"""Turn pydantic's validation errors into located, readable problems.

Pydantic reports a `loc` through the *model* (including the tag of a tagged
union, e.g. `effects.0.set_owner.place`); the YAML marks are addressed by the
*document* path. This module walks both in step to find the mark, and uses the
model to suggest the key or value the author probably meant.
"""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel

from .errors import Mark, Problem, did_you_mean
from .model import Scenario


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        # Flattened: `Condition | None` is a union holding an Annotated union.
        return [m for a in typing.get_args(tp) for m in _union_members(_unwrap(a))]
    return [tp]


def _discriminated(members: list[Any], tag: Any) -> Any | None:
    for m in members:
        if isinstance(m, type) and issubclass(m, BaseModel):
            for name in ("test", "effect"):
                field = m.model_fields.get(name)
                if field is not None and tag in typing.get_args(field.annotation):
                    return m
    return None


def walk(loc: tuple, data: Any) -> tuple[tuple, Any]:
    """Map a pydantic loc to (document path, the model type expected at the end)."""
    tp: Any = Scenario
    path: list = []
    node = data
    for elem in loc:
        tp = _unwrap(tp)
        members = [m for m in _union_members(tp) if m is not type(None)]
        if len(members) > 1:
            chosen = _discriminated(members, elem)
            if chosen is not None:  # the tag pydantic put in the loc; not a document key
                tp = chosen
                continue
            tp = next((m for m in members if typing.get_origin(m) in (list, dict) or isinstance(m, type)), members[0])
        elif members:
            tp = members[0]
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(elem) if isinstance(elem, str) else None
            tp = field.annotation if field is not None else None
        elif origin is list:
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        else:
            tp = None
        path.append(elem)
        node = node.get(elem) if isinstance(node, dict) else (
            node[elem] if isinstance(node, list) and isinstance(elem, int) and elem < len(node) else None
        )
    return tuple(path), _unwrap(tp) if tp is not None else None


def mark_for(path: tuple, merged, file: str, prefer_key: bool = False) -> Mark:
    """The mark of the value at `path`, or of the nearest enclosing value that exists."""
    if prefer_key and path in merged.key_marks:
        return merged.key_marks[path]
    p = path
    while p:
        if p in merged.value_marks:
            return merged.value_marks[p]
        if p in merged.key_marks:
            return merged.key_marks[p]
        p = p[:-1]
    return merged.value_marks.get((), Mark(file, 1, 1))


def dotted(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _fields_of(parent_type: Any) -> list[str]:
    names: list[str] = []
    for m in _union_members(_unwrap(parent_type)):
        if isinstance(m, type) and issubclass(m, BaseModel):
            names += list(m.model_fields)
    return names


def describe_error(err: dict, data: Any, merged, file: str) -> Problem:
    loc = tuple(err.get("loc", ()))
    kind = err.get("type", "")
    if loc and loc[-1] == "[key]":
        # Pydantic appends "[key]" when a mapping's key (an id) is invalid; the key is
        # at fault, so point at it rather than at the value it introduces.
        path, _ = walk(loc[:-1], data)
        where = dotted(path[:-1])
        return Problem(mark_for(path, merged, file, prefer_key=True), f"{where}: bad id '{path[-1]}': {err.get('msg', 'invalid')}")
    path, expected = walk(loc, data)
    where = dotted(path)
    msg = err.get("msg", "invalid value")
    ctx = err.get("ctx") or {}

    if kind == "extra_forbidden":
        parent_path, parent_type = walk(loc[:-1], data)
        hint = did_you_mean(path[-1], _fields_of(parent_type)) if path else ""
        return Problem(mark_for(path, merged, file, prefer_key=True), f"unknown key '{path[-1]}' in {dotted(parent_path)}{hint}")
    if kind == "missing":
        return Problem(mark_for(path[:-1], merged, file, prefer_key=True), f"missing required key '{path[-1]}' in {dotted(path[:-1])}")
    mark = mark_for(path, merged, file)
    value = err.get("input")
    if kind == "enum" and isinstance(expected, type) and issubclass(expected, Enum):
        hint = did_you_mean(value, [e.value for e in expected])
        return Problem(mark, f"{where}: {msg} (got {value!r}){hint}")
    if kind in ("union_tag_invalid", "literal_error"):
        tags = ctx.get("expected_tags") or ctx.get("expected") or ""
        options = [t.strip(" '\"") for t in str(tags).replace(" or ", ",").split(",") if t.strip()]
        bad = ctx.get("tag", value)
        hint = did_you_mean(bad, options)
        if kind == "union_tag_invalid":
            what = str(ctx.get("discriminator", "kind")).strip("'")
            return Problem(mark, f"{where}: unknown {what} '{bad}'{hint}; expected one of: {', '.join(options)}")
        return Problem(mark, f"{where}: {msg} (got {value!r}){hint}")
    if kind == "union_tag_not_found":
        return Problem(mark, f"{where}: needs a '{ctx.get('discriminator', 'kind').strip(chr(39))}' key saying what it is")
    if isinstance(value, (dict, list)) or value is None:
        return Problem(mark, f"{where}: {msg}")
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return Problem(mark, f"{where}: {msg} (got {shown})")
