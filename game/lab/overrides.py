"""`--set PATH=VALUE`: change any value of a scenario by its dotted path.

    backers.patron.commitment=60
    backers.patron.packages.drones.cap=10
    units.3.strength=2000             (list items by number, from 0)
    rules.combat.noise=0.1            (a key the file leaves at its default)

The value is read as YAML, as the file itself would be (`60` is a number, `true` a
flag, `[a, b]` a list, a mapping merges key by key). The path is checked against the
file and the schema before anything runs, so a typo is reported at the step that is
wrong, with a "did you mean"; the value is then validated with the whole scenario.
"""

from __future__ import annotations

import copy
import types
import typing
from enum import Enum
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel

from ..scenario.errors import did_you_mean
from ..scenario.model import Scenario
from ..scenario.variants import deep_merge
from .errors import LabError

# What the ids of each mapping name, for messages ("no backer 'turky'").
_ID_KINDS = {
    "backers": "backer", "factions": "faction", "places": "place", "unit_types": "unit type",
    "events": "event", "packages": "package", "militias": "militia", "options": "option",
    "sources": "source",
}


@dataclass(frozen=True)
class Setting:
    text: str  # as typed, for messages: "backers.patron.commitment=60"
    path: tuple  # document path: ("backers", "patron", "commitment"), list indices as ints
    value: Any

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path)


def split_setting(text: str, flag: str = "--set") -> tuple[str, str]:
    """'PATH=VALUE' -> (PATH, VALUE), or a one-line complaint naming the option `flag`."""
    if "=" not in text:
        raise LabError(f"{flag} {text}: expected PATH=VALUE, e.g. backers.patron.commitment=60")
    path, value = text.split("=", 1)
    path = path.strip()
    if not path or any(not p for p in path.split(".")):
        raise LabError(f"{flag} {text}: the path before '=' must be dotted keys, e.g. backers.patron.commitment")
    return path, value


def parse_value(text: str, where: str) -> Any:
    """A value as YAML reads it; only plain data (no tags that build Python objects)."""
    try:
        return yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        reason = str(getattr(exc, "problem", None) or exc).splitlines()[0]
        raise LabError(f"--set {where}: the value is not valid YAML ({reason})") from None


# -- walking the schema beside the data ------------------------------------------------


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _members(tp: Any) -> list[Any]:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return [m for a in typing.get_args(tp) for m in _members(a) if m is not type(None)]
    return [tp]


def _resolve(tp: Any, node: Any) -> Any:
    """Pick the member of a union that the data at hand is (by its `test:`/`effect:` tag)."""
    members = _members(tp)
    if len(members) == 1:
        return members[0]
    if isinstance(node, dict):
        for m in members:
            if isinstance(m, type) and issubclass(m, BaseModel):
                for tag in ("test", "effect"):
                    field = m.model_fields.get(tag)
                    if field is not None and node.get(tag) in typing.get_args(field.annotation):
                        return m
    if isinstance(node, list):
        return next((m for m in members if typing.get_origin(m) is list), None)
    return None  # cannot tell: check no further


def _describe(path: tuple) -> str:
    return ".".join(str(p) for p in path) or "the top level"


def check_path(data: dict, parts: list[str], text: str) -> tuple:
    """The document path for dotted `parts`, with list indices as ints; LabError at the
    first step that leads nowhere."""
    tp: Any = Scenario
    node: Any = data
    path: tuple = ()
    for part in parts:
        tp = _resolve(tp, node) if tp is not None else None
        here = _describe(path)
        if isinstance(node, list) or typing.get_origin(tp) is list:
            items = node if isinstance(node, list) else []
            if not part.lstrip("-").isdigit():
                raise LabError(f"--set {text}: {here} is a list; give an item number (0 to {len(items) - 1}), not '{part}'")
            i = int(part)
            if not 0 <= i < len(items):
                span = f"0 to {len(items) - 1}" if items else "it is empty"
                raise LabError(f"--set {text}: {here} has {len(items)} item{'s' if len(items) != 1 else ''}; "
                               f"no item {i} ({span})")
            node = items[i]
            tp = typing.get_args(tp)[0] if typing.get_origin(tp) is list else None
            path += (i,)
            continue
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if part not in tp.model_fields:
                keys = list(tp.model_fields)
                raise LabError(f"--set {text}: unknown key '{part}' in {here}{did_you_mean(part, keys)}")
            tp = tp.model_fields[part].annotation
            node = node.get(part) if isinstance(node, dict) else None
        elif typing.get_origin(tp) is dict or (tp is None and isinstance(node, dict)):
            known = node if isinstance(node, dict) else {}
            key_type = typing.get_args(tp)[0] if typing.get_origin(tp) is dict else None
            if part not in known and isinstance(key_type, type) and issubclass(key_type, Enum) \
                    and part in {e.value for e in key_type}:
                # A fixed-key table (terrain, road class) may be changed where the file
                # left it at its defaults.
                tp, node = typing.get_args(tp)[1], None
                path += (part,)
                continue
            if part not in known:
                kind = _ID_KINDS.get(str(path[-1]) if path else "", "key")
                listed = f"; known: {', '.join(map(str, known))}" if 0 < len(known) <= 12 else ""
                hint = did_you_mean(part, known)
                raise LabError(f"--set {text}: no {kind} '{part}' in {here}{hint or listed}")
            tp = typing.get_args(tp)[1] if typing.get_origin(tp) is dict else None
            node = known[part]
        else:
            shown = repr(node) if node is not None else "a single value"
            if len(shown) > 40:
                shown = shown[:37] + "..."
            raise LabError(f"--set {text}: {here} is {shown}, which has no '{part}'")
        path += (part,)
    return path


def parse_settings(data: dict, texts: list[str]) -> list[Setting]:
    """Every `--set` checked against the scenario's data; all problems, one line each."""
    settings, problems = [], []
    for text in texts:
        try:
            dotted, raw = split_setting(text)
            value = parse_value(raw, text)
            settings.append(Setting(text, check_path(data, dotted.split("."), text), value))
        except LabError as exc:
            problems += exc.problems
    if problems:
        raise LabError(problems)
    return settings


def apply_settings(data: dict, settings: list[Setting]) -> dict:
    """A copy of `data` with the settings applied in order (mappings merge)."""
    out = copy.deepcopy(data)
    for s in settings:
        node = out
        for key in s.path[:-1]:
            if isinstance(node, dict) and node.get(key) is None:
                node[key] = {}  # a section the file leaves at its defaults
            node = node[key]
        last = s.path[-1]
        old = node.get(last) if isinstance(node, dict) else node[last]
        node[last] = deep_merge(old, copy.deepcopy(s.value)) if isinstance(old, dict) else copy.deepcopy(s.value)
    return out


def overrides_for(data: dict, settings: list[Setting]) -> dict:
    """The `overrides` mapping for `load_scenario` that makes these settings.

    Overrides merge mappings but replace lists whole, so each top-level section a
    setting touches is given whole, as changed (its unchanged values equal the file's)."""
    if not settings:
        return {}
    changed = apply_settings(data, settings)
    return {key: changed[key] for key in dict.fromkeys(s.path[0] for s in settings)}
