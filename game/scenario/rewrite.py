"""`sandtable upgrade`: rewrite a scenario file in the current format version, on disk.

The steps of `upgrade.py` change the file's data; what they changed (a value replaced,
a key taken out, a key added) is then made as an edit of the file's own text, at the
place the located loader found it, so every comment, blank line and layout choice
the author made stays as it was. The result is written only once it has loaded, beside
the original, to the very scenario the loader makes of the original. So an upgrade can
neither lose a file nor change a game; a change this editor could not make is refused
with nothing written.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..atomic import write_text_atomic
from .errors import Mark, ScenarioError, display_path
from .flow import bracketed_length
from .loader import _Merged, _read_chain, load_scenario
from .upgrade import CURRENT, UpgradeError, declared_version, upgrade, version_problem
from .yamlio import Document, YamlProblems, load_document


@dataclass
class Outcome:
    path: Path
    source: int
    changes: list[str] = field(default_factory=list)
    backup: Path | None = None
    written: bool = False


class RewriteError(Exception):
    """A file that cannot be upgraded: the message says why and where."""


def upgrade_file(path: str | Path, check: bool = False, backup: bool = True) -> Outcome:
    """Upgrade one scenario file in place (or, with `check`, only say what would change)."""
    path = Path(path)
    name = display_path(path)
    try:
        doc = load_document(path, name)
    except YamlProblems as exc:
        raise RewriteError("\n".join(p.render() for p in exc.problems)) from None
    if not isinstance(doc.data, dict):
        raise RewriteError(f"{name}: not a scenario file (its top level is not a mapping)")
    version = declared_version(doc.data)
    parent = doc.data.get("extends")
    parent_path = (path.parent / parent).resolve() if isinstance(parent, str) else None
    if version is None and parent_path is not None and parent_path.is_file():
        version = _version_of_chain(parent_path)
    if version_problem(version):
        raise RewriteError(f"{name}: {version_problem(version)}")
    if version == CURRENT:
        return Outcome(path, version)
    # The original must load: the rewrite is checked against what it loads to.
    try:
        expected = load_scenario(path).sha256
        inherited = _read_chain(parent_path, _Merged(), []) if parent_path is not None else None
    except ScenarioError as exc:
        raise RewriteError(exc.render() + f"\n{name}: fix these first, then upgrade") from None
    new = copy.deepcopy(doc.data)
    try:
        done = upgrade(new, version, inherited)
    except UpgradeError as exc:
        raise RewriteError(f"{name}: {exc}") from None
    outcome = Outcome(path, version, done.changes + [f"format version {version} → {CURRENT}"])
    if check:
        return outcome
    try:
        text = _Editor(doc).apply(doc.data, new, f"`sandtable upgrade` from format version {version}")
    except _Unsupported as exc:
        raise RewriteError(f"{name}: cannot rewrite it in place ({exc}), so nothing was written; change it by "
                           "hand as the format reference's 'Format versions' says") from None
    _same_scenario(path, text, expected)
    if backup:
        outcome.backup = path.with_name(f"{path.name}.v{version}")
        shutil.copy2(path, outcome.backup)
    write_text_atomic(path, text)
    outcome.written = True
    return outcome


def _version_of_chain(path: Path) -> object:
    """The version a file is written in: its own, or that of what it extends."""
    seen = set()
    while path not in seen:
        seen.add(path)
        try:
            data = load_document(path, display_path(path)).data
        except YamlProblems:
            return None
        version = declared_version(data)
        parent = data.get("extends") if isinstance(data, dict) else None
        if version is not None or not isinstance(parent, str):
            return version
        path = (path.parent / parent).resolve()
    return None


def _same_scenario(path: Path, new_text: str, expected: str) -> None:
    """Load the rewritten text beside the original (so that `extends` and map files
    resolve as they would for it) and insist on the same scenario."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.upgrade-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(new_text)
        try:
            got = load_scenario(tmp).sha256
        except ScenarioError as exc:
            raise RewriteError(f"{display_path(path)}: the upgraded file would not load, so nothing was written "
                               f"(a fault in Sandtable; please report it):\n{exc.render()}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    if got != expected:
        raise RewriteError(f"{display_path(path)}: the upgraded file would load to a different scenario, so nothing "
                           "was written (a fault in Sandtable; please report it)")


class _Unsupported(Exception):
    pass


# Where a plain scalar ends in flow or block context: before a comma, a closing bracket,
# or a comment.
_PLAIN_END = re.compile(r"\s*(?:[,\]}]|\s#|$)")


class _Editor:
    """Edits of one file's text, each at the mark the located loader gave its key or value,
    made from the bottom of the file up so that none moves another."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.lines = [ln.rstrip("\r\n") for ln in doc.lines]
        self.edits: list[tuple[tuple[int, int], object]] = []

    # -- what changed -------------------------------------------------------------------
    def apply(self, old: dict, new: dict, why: str) -> str:
        self._diff(old, new, ())
        self.why = why
        for _at, edit in sorted(self.edits, key=lambda e: e[0], reverse=True):
            edit()
        return "\n".join(self.lines) + "\n"

    def _diff(self, old, new, path: tuple) -> None:
        for key in old:
            if key not in new:
                self._delete(path + (key,))
            elif isinstance(old[key], dict) and isinstance(new[key], dict):
                self._diff(old[key], new[key], path + (key,))
            elif old[key] != new[key]:
                if isinstance(old[key], (dict, list)) or isinstance(new[key], (dict, list)):
                    raise _Unsupported(f"'{'.'.join(map(str, path + (key,)))}' changes shape")
                self._replace(path + (key,), new[key])
        added = {k: v for k, v in new.items() if k not in old}
        if added:
            self._insert(path, added)

    # -- the three edits ----------------------------------------------------------------
    def _mark(self, marks: dict, path: tuple) -> tuple[int, int]:
        mark: Mark | None = marks.get(path)
        if mark is None:
            raise _Unsupported(f"no position for '{'.'.join(map(str, path))}'")
        return mark.line - 1, mark.col - 1

    def _replace(self, path: tuple, value) -> None:
        line, col = self._mark(self.doc.value_marks, path)
        text = self.lines[line]
        if text[col] in "\"'[{|>&*!":
            raise _Unsupported(f"'{'.'.join(map(str, path))}' is not a plain value")
        end = _PLAIN_END.search(text, col).start()

        def edit() -> None:
            self.lines[line] = text[:col] + _scalar(value) + text[end:]

        self.edits.append(((line, col), edit))

    def _delete(self, path: tuple) -> None:
        kline, kcol = self._mark(self.doc.key_marks, path)
        if self._in_flow(path):
            vline, vcol = self._mark(self.doc.value_marks, path)
            if vline != kline:
                raise _Unsupported(f"'{'.'.join(map(str, path))}' spans lines")
            text = self.lines[kline]
            end = vcol + self._extent(text, vcol)

            def edit() -> None:
                t = self.lines[kline]
                after = re.match(r"\s*,\s*", t[end:])
                if after:  # the next entry takes this one's place
                    self.lines[kline] = t[:kcol] + t[end + after.end():]
                else:  # the last entry: take the comma before it
                    before = re.search(r",\s*$", t[:kcol])
                    start = before.start() if before else kcol
                    self.lines[kline] = t[:start] + t[end:]

            self.edits.append(((kline, kcol), edit))
            return
        last = self._block_end(kline, kcol)

        def edit() -> None:
            # An end-of-line comment on a line taken out stays, on a line of its own.
            kept = [" " * kcol + c for c in map(_comment_of, self.lines[kline:last + 1]) if c]
            self.lines[kline:last + 1] = kept

        self.edits.append(((kline, kcol), edit))

    def _insert(self, path: tuple, added: dict) -> None:
        if not path:
            # New top-level keys go at the end of the file, under a comment saying why.
            block = _block(added, 0)
            at = len(self.lines)

            def edit() -> None:
                tail = [""] if self.lines and self.lines[-1].strip() else []
                self.lines[at:at] = tail + [f"# Added by {self.why}."] + block

            self.edits.append(((at, 0), edit))
            return
        line, col = self._mark(self.doc.value_marks, path)
        if self.lines[line][col] == "{":
            close = col + self._extent(self.lines[line], col) - 1
            inner = ", ".join(f"{k}: {_flow(v)}" for k, v in added.items())

            def edit() -> None:
                t = self.lines[line]
                sep = ", " if t[col + 1:close].strip() else ""
                self.lines[line] = t[:close] + sep + inner + t[close:]

            self.edits.append(((line, close), edit))
            return
        # A block mapping: the new keys after its last line, at its children's indentation.
        kline, kcol = self._mark(self.doc.key_marks, path)
        last = self._block_end(kline, kcol)
        first_child = next(iter(self._children(path)), None)
        indent = self._mark(self.doc.key_marks, path + (first_child,))[1] if first_child is not None else kcol + 2
        block = _block(added, indent)

        def edit() -> None:
            self.lines[last + 1:last + 1] = block

        self.edits.append(((last + 1, 0), edit))

    # -- reading the text ---------------------------------------------------------------
    def _children(self, path: tuple) -> list:
        n = len(path) + 1
        return [k[-1] for k in self.doc.key_marks if len(k) == n and k[:-1] == path]

    def _in_flow(self, path: tuple) -> bool:
        if len(path) < 2:
            return False
        line, col = self._mark(self.doc.value_marks, path[:-1])
        return self.lines[line][col] == "{"

    def _extent(self, text: str, col: int) -> int:
        """Length of the value that starts at `col` on one line: a bracketed one with what
        it nests, a quoted one, or a plain one."""
        if text[col] in "{[":
            length = bracketed_length(text, col)
            if length is None:
                raise _Unsupported("a bracketed value spans lines")
            return length
        if text[col] in "\"'":
            close = text.find(text[col], col + 1)
            if close < 0:
                raise _Unsupported("a quoted value spans lines")
            return close + 1 - col
        return _PLAIN_END.search(text, col).start() - col

    def _block_end(self, kline: int, kcol: int) -> int:
        """The last line of the block entry whose key is at (kline, kcol): up to the next
        line indented no deeper, leaving out the blank and comment lines before it."""
        last = kline
        for i in range(kline + 1, len(self.lines)):
            stripped = self.lines[i].strip()
            if not stripped or stripped.startswith("#"):
                continue
            if len(self.lines[i]) - len(self.lines[i].lstrip()) <= kcol:
                break
            last = i
        return last


def _comment_of(line: str) -> str:
    """The comment that ends a line ('# ...'), or '' if none: a '#' after a space and
    outside quotes."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i:] if line[:i].strip() else ""
    return ""


def _scalar(value) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=100_000, allow_unicode=True).strip().removesuffix(
        "\n...").strip()


def _flow(value) -> str:
    return _scalar(value)


def _block(mapping: dict, indent: int) -> list[str]:
    text = yaml.safe_dump(mapping, default_flow_style=False, sort_keys=False, width=100_000, allow_unicode=True)
    return [" " * indent + ln for ln in text.rstrip("\n").split("\n")]
