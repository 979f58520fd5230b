"""Shared pieces of the lab tests: the duel fixture, agents made for testing, and the
lab's commands run in-process (through `sandtable` once it wires them in, or through
a parser built from `game.lab.commands.add_commands` until then)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from conftest import CliResult
from game.ai.random_agent import RandomAgent
from game.engine import EndTurn, legal_actions

ROOT = Path(__file__).resolve().parent.parent
DUEL = ROOT / "tests" / "data" / "lab" / "duel.yaml"
MINI = ROOT / "tests" / "data" / "mini.yaml"
TRIPOLI = ROOT / "scenarios" / "tripoli_2019.yaml"
TIMING_KEYS = {"games_per_second", "seconds", "games_run_now"}
# Random play is fast, and the figures these tests expect were pinned with it before the
# lab's default became normal: tests that count on it ask for it by name.
RANDOM_AI = ("--ai", "blue=random,red=random")  # the duel's and mini's factions


def random_levels(path: Path) -> dict[str, str]:
    """Random agents for every faction of a scenario file."""
    from game.scenario.variants import read_scenario_data

    return {f: "random" for f in read_scenario_data(path)["factions"]}


class PassiveAgent:
    """Never gives an order: ends every turn and takes the first answer to any question."""

    name = "passive"

    def __init__(self, seed=0):
        self.why = "passive"

    def act(self, state):
        options = legal_actions(state)
        return next((a for a in options if isinstance(a, EndTurn)), options[0])


class RandomTwin(RandomAgent):
    """The random agent under another name, for tournaments of equals."""

    name = "random_twin"


def failing_agent(game_index: int):
    """A random agent that raises in game `game_index` (its seed's spawn key starts with it)."""

    class Flaky(RandomAgent):
        name = "flaky"

        def __init__(self, seed: np.random.SeedSequence = 0, **kw):
            super().__init__(seed, **kw)
            self.doomed = isinstance(seed, np.random.SeedSequence) and seed.spawn_key[:1] == (game_index,)

        def act(self, state):
            if self.doomed and state.turn >= 2:
                raise ValueError(f"agent breaks down in game {game_index}")
            return super().act(state)

    return Flaky


def _parser() -> argparse.ArgumentParser:
    from game.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "simulate" not in sub.choices:  # not wired into `sandtable` yet: add the lab's commands here
        from game.lab.commands import add_commands

        add_commands(sub)
    return parser


def run_cli(capsys, *argv) -> CliResult:
    """Run `sandtable ARGV` in-process as game.cli.main does; a traceback is a failure."""
    from game.cli import UserError
    from game.scenario import ScenarioError

    args = _parser().parse_args([str(a) for a in argv])
    try:
        code = args.func(args)
    except ScenarioError as exc:
        print(exc.render(), file=__import__("sys").stderr)
        code = 1
    except UserError as exc:
        print(f"sandtable: error: {exc}", file=__import__("sys").stderr)
        code = 2
    captured = capsys.readouterr()
    result = CliResult(code, captured.out, captured.err)
    assert "Traceback" not in result.text, result.text
    return result
