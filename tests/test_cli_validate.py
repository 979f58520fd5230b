"""`sandtable validate` and `sandtable schema` as a user runs them."""

import os
from pathlib import Path

import pytest

from conftest import SCENARIOS
from game.scenario.companion import is_companion_file
from game.scenario.schema import reference_markdown, schema_text

SCHEMA_LINE = "# yaml-language-server: $schema=scenario.schema.json"


def test_validate_ok(cli, mini_path):
    r = cli("validate", mini_path)
    assert r.code == 0
    assert r.out == "ok mini\n"
    assert r.err == ""


def test_validate_several_files_reports_each(cli, mini_path, write_scenario):
    bad = write_scenario(("{a: hub, b: field,", "{a: hub, b: capitl,"), name="bad.yaml")
    r = cli("validate", mini_path, bad, mini_path)
    assert r.code == 1, "one bad file fails the run"
    assert r.out.count("ok mini\n") == 2, "files after a bad one are still checked"
    assert len(r.errors()) == 1 and r.errors()[0].startswith("bad.yaml:")
    assert "bad.yaml: 1 problem\n" in r.err


def test_validate_counts_problems_on_stderr(cli, write_scenario):
    path = write_scenario(("{a: hub, b: field,", "{a: hub, b: capitl,"), ("  days_per_turn: 7", "  days_per_trun: 7"))
    r = cli("validate", path)
    assert r.code == 1
    assert r.err == "s.yaml: 2 problems\n"
    assert r.out.count(": error: ") == 2


def test_validate_needs_a_file(cli, capsys):
    with pytest.raises(SystemExit) as info:
        cli("validate")
    assert info.value.code == 2
    assert "FILE" in capsys.readouterr().err


# --------------------------------------------------------------------------- shipped scenarios

SHIPPED = sorted(p for p in SCENARIOS.glob("*.yaml") if not is_companion_file(p))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenario_validates(cli, path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_LINE, f"{path.name} must start with the line editors use to find the schema"
    r = cli("validate", path)
    assert r.code == 0, r.text
    assert r.out.startswith("ok ") and r.out.count("\n") == 1


# --------------------------------------------------------------------------- schema command


@pytest.mark.parametrize("reference", [False, True])
def test_schema_to_file_is_atomic_and_complete(cli, tmp_path, reference):
    out = tmp_path / "out" / ("README.md" if reference else "scenario.schema.json")
    args = ["schema", "-o", out] + (["--reference"] if reference else [])
    r = cli(*args)
    assert r.code == 0
    assert r.out == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8") == (reference_markdown() if reference else schema_text())
    assert os.listdir(out.parent) == [out.name], "a temporary file was left behind"


def test_schema_file_gets_the_usual_permissions(cli, tmp_path):
    # A temporary file is private to its owner; the file it becomes must not be.
    umask = os.umask(0o022)
    try:
        out = tmp_path / "scenario.schema.json"
        assert cli("schema", "-o", out).code == 0
        assert out.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)


def test_schema_overwrites_existing_file(cli, tmp_path):
    out = tmp_path / "scenario.schema.json"
    out.write_text("stale")
    assert cli("schema", "-o", out).code == 0
    assert out.read_text(encoding="utf-8") == schema_text()
    assert os.listdir(tmp_path) == [out.name]


def test_schema_write_failure_keeps_old_file_and_cleans_up(cli, tmp_path, monkeypatch):
    out = tmp_path / "scenario.schema.json"
    out.write_text("previous")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        cli("schema", "-o", out)
    assert out.read_text() == "previous", "the old file must survive a failed write"
    assert os.listdir(tmp_path) == [out.name], "the temporary file must be removed"


def test_schema_to_stdout(cli):
    r = cli("schema")
    assert r.code == 0 and r.out == schema_text()
    r = cli("schema", "--reference")
    assert r.code == 0 and r.out == reference_markdown()


def test_schema_file_is_plain_utf8_with_newline_endings(cli, tmp_path):
    out = tmp_path / "README.md"
    cli("schema", "--reference", "-o", out)
    raw = out.read_bytes()
    assert b"\r\n" not in raw and raw.endswith(b"\n")
    raw.decode("utf-8")
    assert Path(out).stat().st_size > 1000
