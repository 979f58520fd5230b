"""Safe YAML reading that keeps where every value came from.

PyYAML's safe loader is used only to *compose* a node graph (which carries line and
column marks); turning nodes into Python values is done here so that we can
- remember the mark of every key and value, addressed by its path in the document,
- reject duplicate keys (PyYAML silently keeps the last one),
- refuse any tag outside plain YAML data (no `!!python/...`, no custom tags),
- bound alias expansion, so a "billion laughs" document fails fast instead of
  eating the machine.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Mark, Problem

# libyaml's parser composes the same node graph, marks included, several times faster;
# the pure-Python one is the fallback where PyYAML was built without it.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 5 * 1024 * 1024
# A real scenario has a few thousand values; this leaves ample room for
# anchors and aliases while stopping exponential blow-up early.
MAX_VALUES = 200_000
MAX_DEPTH = 64

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_MERGE_TAG = "tag:yaml.org,2002:merge"

Path_ = tuple[Any, ...]


@dataclass
class Document:
    """Plain data from one YAML file plus the marks of every key and value by path."""

    data: Any
    file: str
    lines: list[str]
    value_marks: dict[Path_, Mark] = field(default_factory=dict)
    key_marks: dict[Path_, Mark] = field(default_factory=dict)


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem], lines: list[str]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
        self.lines = lines


def _mark(file: str, m: yaml.Mark | None) -> Mark:
    if m is None:
        return Mark(file, 1, 1)
    return Mark(file, m.line + 1, m.column + 1)


def _position(file: str, before: str) -> Mark:
    """The mark just after `before`. Lines break as str.splitlines() breaks them (a lone
    CR too, as YAML does), so the mark agrees with the source line shown under it; columns
    count characters, not bytes, as editors count them."""
    lines = (before + "^").splitlines()
    return Mark(file, len(lines), len(lines[-1]))


def read_text(path: Path, file: str) -> tuple[str, list[str]]:
    """Read a scenario file as UTF-8, refusing ones too big to be a scenario."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise YamlProblems([Problem(Mark(file, 1, 1), "file not found")], []) from None
    except OSError as exc:
        raise YamlProblems([Problem(Mark(file, 1, 1), f"cannot read file: {exc.strerror}")], []) from None
    if stat.S_ISDIR(st.st_mode):
        raise YamlProblems([Problem(Mark(file, 1, 1), "is a directory, not a scenario file")], [])
    # Devices and pipes report no size and may never end (/dev/zero, a FIFO nobody writes to).
    if not stat.S_ISREG(st.st_mode):
        raise YamlProblems([Problem(Mark(file, 1, 1), "is not a regular file")], [])
    too_large = f"a scenario may be at most {MAX_FILE_BYTES // (1024 * 1024)} MB"
    if st.st_size > MAX_FILE_BYTES:
        msg = f"file is too large ({st.st_size / 1e6:.1f} MB); {too_large}"
        raise YamlProblems([Problem(Mark(file, 1, 1), msg)], [])
    try:
        with open(path, "rb") as fh:
            # Bounded even here: the file may have grown since it was measured.
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlProblems([Problem(Mark(file, 1, 1), f"cannot read file: {exc.strerror}")], []) from None
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblems([Problem(Mark(file, 1, 1), f"file is too large; {too_large}")], [])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", "replace").removeprefix("\ufeff")
        msg = f"file is not valid UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        lines = before.splitlines() + [""]
        raise YamlProblems([Problem(_position(file, before), msg)], lines) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, text.splitlines()


def load_document(path: Path, file: str) -> Document:
    text, lines = read_text(path, file)
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in lines):
        raise YamlProblems([Problem(Mark(file, 1, 1), "file is empty; a scenario needs meta, map, factions, ...")], lines)
    try:
        node = _compose_fast(text)
    except (yaml.YAMLError, RecursionError):
        node = _compose_exact(text, file, lines)
    # A lone `---` composes to an empty null scalar rather than to no document at all.
    if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null") and not node.value):
        raise YamlProblems([Problem(Mark(file, 1, 1), "file is empty; a scenario needs meta, map, factions, ...")], lines)
    doc = Document(data=None, file=file, lines=lines)
    builder = _Builder(doc)
    doc.data = builder.build(node, ())
    if builder.problems:
        raise YamlProblems(builder.problems, lines)
    return doc


def _compose_fast(text: str):
    if _Loader is yaml.SafeLoader:
        raise yaml.YAMLError("no libyaml")  # go straight to the exact parser
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _compose_exact(text: str, file: str, lines: list[str]):
    """Compose with the pure-Python parser, whose error messages and marks are the
    ones we report; used whenever libyaml is missing or finds a problem."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        except RecursionError:
            # PyYAML composes recursively, so `[[[[...` thousands deep exhausts the stack
            # long before the builder's depth limit is reached.
            mark = _mark(file, loader.get_mark())
            raise YamlProblems([Problem(mark, f"nesting deeper than {MAX_DEPTH} levels")], lines) from None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = _mark(file, exc.problem_mark or exc.context_mark)
        what = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.context}: {exc.problem}" if "while" not in exc.context else f"{exc.problem} ({exc.context})"
        if "\t" in (lines[mark.line - 1] if 0 < mark.line <= len(lines) else ""):
            what += "; YAML indents with spaces, not tabs"
        raise YamlProblems([Problem(mark, f"YAML syntax: {what}")], lines) from None
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        pos = getattr(exc, "position", 0) or 0
        mark = _position(file, text[:pos])
        reason = getattr(exc, "reason", None) or "unreadable character"
        raise YamlProblems([Problem(mark, f"YAML syntax: {reason}")], lines) from None
    return node


class _Builder:
    def __init__(self, doc: Document):
        self.doc = doc
        self.count = 0
        self.problems: list[Problem] = []
        self.constructor = SafeConstructor()
        self.aborted = False

    def _fail(self, node: Node, msg: str) -> None:
        self.problems.append(Problem(_mark(self.doc.file, node.start_mark), msg))

    def build(self, node: Node, path: Path_, depth: int = 0) -> Any:
        if self.aborted:
            return None
        self.count += 1
        if self.count > MAX_VALUES:
            self._fail(node, f"document expands to more than {MAX_VALUES:,} values (alias bomb?); refusing to load it")
            self.aborted = True
            return None
        if depth > MAX_DEPTH:
            self._fail(node, f"nesting deeper than {MAX_DEPTH} levels")
            self.aborted = True
            return None
        self.doc.value_marks.setdefault(path, _mark(self.doc.file, node.start_mark))
        if node.tag not in _PLAIN_TAGS:
            self._fail(node, f"tag '{node.tag}' is not allowed; scenarios hold plain data only")
            return None
        if isinstance(node, ScalarNode):
            try:
                return self.constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError) as exc:
                self._fail(node, f"bad value {node.value!r}: {exc}")
                return None
        if isinstance(node, SequenceNode):
            return [self.build(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        self._fail(node, "unsupported YAML node")
        return None

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict:
        out: dict = {}
        explicit: set = set()
        merged: list[tuple[Node, Path_]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append((value_node, path))
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                self._fail(key_node, "mapping keys must be plain scalars")
                continue
            # Scenario keys are ids, so keep the text as written: constructing it would turn
            # `yes:`/`1:`/`~:` into a bool, int or None, and fail outright on `2020-13-45:`.
            key = key_node.value
            if key in explicit:
                first = self.doc.key_marks.get(path + (key,))
                where = f" (first defined at line {first.line})" if first else ""
                self._fail(key_node, f"duplicate key '{key}'{where}")
                continue
            explicit.add(key)
            self.doc.key_marks[path + (key,)] = _mark(self.doc.file, key_node.start_mark)
            out[key] = self.build(value_node, path + (key,), depth + 1)
        # `<<: *anchor` fills in keys not given explicitly.
        for value_node, mpath in merged:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for src in sources:
                if not isinstance(src, MappingNode):
                    self._fail(src, "'<<' merges need a mapping or a list of mappings")
                    continue
                # Through build(), so merges count against the expansion and depth limits:
                # merging empty mappings creates no values, and `&a {<<: *a}` merges itself.
                extra = self.build(src, mpath, depth + 1)
                for k, v in (extra or {}).items():
                    out.setdefault(k, v)
        return out
