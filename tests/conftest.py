"""Shared fixtures: the tiny scenario, modified copies of it, and running the CLI."""

import os
import tempfile

# Set before anything imports pygame, so the client can be tested with no display or sound card.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
# Hypothesis keeps caches of its own (constants it found in the code, unicode tables)
# even with no example database; they go to the temporary directory, not the tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                      os.path.join(tempfile.gettempdir(), "sandtable-hypothesis"))

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Property tests are derandomised (their examples follow from the test's own source), so
# every run tries the same cases and a failure reproduces; hypothesis then has nothing
# worth remembering between runs, so its example database stays out of the tree.
settings.register_profile("sandtable", derandomize=True, database=None)
settings.load_profile("sandtable")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MINI = DATA / "mini.yaml"
SCENARIOS = ROOT / "scenarios"
GEOJSON = ROOT / "assets" / "maps" / "libya.geojson"
# How mini.yaml names its map: relative to tests/data, so copies elsewhere must rewrite it.
MINI_GEOJSON_REF = "../../assets/maps/libya.geojson"


def mini_text() -> str:
    """mini.yaml's text with the map path made absolute, so a copy loads from any directory."""
    text = MINI.read_text(encoding="utf-8")
    assert text.count(MINI_GEOJSON_REF) == 1, "mini.yaml no longer names its map as the tests expect"
    return text.replace(MINI_GEOJSON_REF, str(GEOJSON))


def edit(text: str, *replacements: tuple[str, str]) -> str:
    """Apply (old, new) replacements, each of which must match exactly once.

    Failing loudly when mini.yaml changes beats a test that silently stops testing anything.
    """
    for old, new in replacements:
        count = text.count(old)
        assert count == 1, f"expected exactly one {old!r} in the scenario text, found {count}"
        text = text.replace(old, new)
    return text


def location(text: str, snippet: str, offset: int = 0) -> tuple[int, int]:
    """1-based (line, col) of the first occurrence of `snippet` in `text`, plus `offset` characters."""
    index = text.index(snippet) + offset
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


@pytest.fixture
def app(tmp_path):
    """The client, headless, with its saves and options in tmp_path; closed afterwards."""
    from client_helpers import make_app  # pygame only for the tests that ask for the client

    a = make_app(tmp_path)
    yield a
    a.close()


@pytest.fixture(scope="session")
def tripoli_random_run(tmp_path_factory):
    """Ten random games of the 2019 scenario (seed 1), played once for the lab tests that
    read a finished run: random play swings back and forth enough to give both sides
    recoveries and most places changes of hands. Returns (out directory, summary)."""
    from lab_helpers import TRIPOLI, random_levels

    from game.lab.simulate import RunOptions, simulate
    from game.lab.variant import Variant

    out = tmp_path_factory.mktemp("tripoli-random") / "t"
    _, summary = simulate(Variant(str(TRIPOLI)), out, RunOptions(games=10, seed=1, executor="serial", jobs=1),
                          random_levels(TRIPOLI))
    return out, summary


@pytest.fixture
def mini_path() -> Path:
    return MINI


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Work inside tmp_path, so messages name files as bare, predictable relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def write_scenario(in_tmp):
    """write_scenario(*(old, new), name=..., text=...) -> Path of an edited copy of mini.yaml.

    Files go into the current directory (tmp_path), so their display name is just `name`.
    """

    def write(*replacements: tuple[str, str], name: str = "s.yaml", text: str | None = None) -> Path:
        body = edit(mini_text() if text is None else text, *replacements)
        path = in_tmp / name
        path.write_text(body, encoding="utf-8")
        return Path(name)

    return write


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    @property
    def text(self) -> str:
        return self.out + self.err

    def errors(self) -> list[str]:
        return [ln for ln in self.text.splitlines() if ": error: " in ln]

    def assert_error(self, file: str, line: int, col: int, phrase: str, source: str | None = None) -> str:
        """The problem at exactly file:line:col mentions `phrase`; its source line and caret are shown.

        `source` is the file's text, to check the quoted line is that line; returns the message line.
        """
        head = f"{file}:{line}:{col}: error: "
        lines = self.text.splitlines()
        hits = [i for i, ln in enumerate(lines) if ln.startswith(head)]
        assert hits, f"no error at {file}:{line}:{col} in:\n{self.text}"
        matching = [i for i in hits if phrase.lower() in lines[i].lower()]
        assert matching, f"error at {file}:{line}:{col} does not mention {phrase!r}:\n{self.text}"
        i = matching[0]
        if source is not None:
            src_line = source.splitlines()[line - 1].replace("\t", " ")
            assert i + 2 < len(lines), f"no source line and caret under:\n{lines[i]}"
            assert lines[i + 1] == "    " + src_line.rstrip("\r\n"), f"wrong source line:\n{self.text}"
            caret = lines[i + 2]
            assert caret.strip() == "^" and caret.index("^") == 4 + col - 1, f"caret not under column {col}:\n{self.text}"
        return lines[i]


@pytest.fixture
def cli(capsys):
    """cli(*argv) -> CliResult: run `sandtable` in-process; a traceback is always a failure."""
    from game.cli import main

    def run(*argv: str) -> CliResult:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        result = CliResult(code, captured.out, captured.err)
        assert "Traceback" not in result.text, result.text
        return result

    return run


def pytest_collection_modifyitems(config, items):
    """The slow tests go first. pytest-xdist hands tests out in this order, so a
    half-minute test drawn last would keep one core busy while the other sat idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
