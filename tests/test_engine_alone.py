"""The engine stands alone: no UI, no import loops, runs without the client.

Expected numbers are derived in each test from the scenario's own rule constants
(`world.spec.rules`), so a retuned default changes the expectation, not the verdict.
Every random draw is seeded; statistical checks use fixed seeds and loose bounds.
"""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys

import numpy as np
import pytest

from engine_helpers import ROOT, load_world, SeededRandom, shipped_path
from game.engine import apply, Attack, DroneStrike, legal_actions, Move, new_game, Recruit, RequestSupport


# =====================================================================================
# The engine stands alone
# =====================================================================================


def test_engine_imports_no_pygame_nor_ai_lab_client():
    code = ("import game.engine, sys; print(sorted(m for m in sys.modules if m.split('.')[0]=='pygame' "
            "or m.startswith(('game.ai','game.lab','game.client'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_engine_sources_import_nothing_forbidden():
    engine = ROOT / "game" / "engine"
    files = sorted(engine.glob("*.py"))
    assert len(files) >= 10
    bad = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0:
                    names = [node.module or ""]
                elif node.level == 1:
                    names = [f"game.engine.{node.module}" if node.module else "game.engine"]
                else:  # from ..x import y: relative to the game package
                    base = f"game.{node.module}" if node.module else "game"
                    names = [base] + [f"{base}.{a.name}" for a in node.names]
            for name in names:
                top = name.split(".")[0]
                if top in ("pygame", "pygame_gui") or name.startswith(("game.ai", "game.lab", "game.client", "game.cli")):
                    bad.append(f"{path.name}:{node.lineno}: {name}")
    assert bad == []


def _engine_module(node: ast.AST) -> list[str]:
    """The engine modules an import statement names (`from .x import`, `from . import x`,
    `import game.engine.x`, `from game.engine.x import`), by their file's stem."""
    if isinstance(node, ast.ImportFrom):
        if node.level == 1:
            return [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
        if node.level == 0 and (node.module or "").startswith("game.engine"):
            rest = node.module.split(".")[2:]
            return rest[:1] if rest else [a.name for a in node.names]
    if isinstance(node, ast.Import):
        return [a.name.split(".")[2] for a in node.names if a.name.startswith("game.engine.")]
    return []


def _runs_on_import(body: list[ast.stmt]):
    """The statements of a module that run when it is imported, into its `if`s and
    `try`s but not its functions and classes, nor a block only a type checker reads."""
    for node in body:
        if isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                yield from _runs_on_import(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from _runs_on_import(node.body + node.orelse + node.finalbody
                                       + [s for h in node.handlers for s in h.body])
        else:
            yield node


def test_no_engine_module_imports_another_inside_a_function():
    # An import tucked into a function is how a loop between modules is hidden; the
    # engine's modules import one another where they start, in one direction only.
    hidden, graph = [], {}
    for path in sorted((ROOT / "game" / "engine").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for node in ast.walk(fn):
                    for name in _engine_module(node):
                        hidden.append(f"{path.name}:{node.lineno}: imports {name}")
        graph[path.stem] = {name for node in _runs_on_import(tree.body) for name in _engine_module(node)}
    assert hidden == []
    assert graph["combat"] and graph["rules"]  # the walk sees the imports that are there
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as loop:
        pytest.fail(f"engine modules import one another in a loop: {' -> '.join(loop.args[1])}")
    # Each module only after those it imports; territory (which places change hands)
    # comes before combat and politics, which both use it.
    assert order.index("territory") < min(order.index("combat"), order.index("politics"))
    # ... and a fresh interpreter imports every module.
    code = "import importlib\n" + "".join(f"importlib.import_module('game.engine.{m}')\n" for m in graph)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]


def test_gauges_change_only_through_their_one_function():
    # Legitimacy, cohesion and commitment stay within 0..100, and every change is in the
    # ledger with its cause, because every change goes through game.engine.gauges; an
    # assignment elsewhere would need its own clamp and would go unexplained.
    import re

    assigned = re.compile(r"state\.(legitimacy|cohesion|commitment)\[[^\]]*\]\s*[-+*/]?=(?!=)(.*)")
    found = []
    for path in sorted((ROOT / "game" / "engine").glob("*.py")):
        if path.name == "gauges.py":
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            hit = assigned.search(line)
            if hit:
                found.append(f"{path.name}:{i}: {line.strip()}")
    assert found == []


def test_action_list_filters_agree_with_the_whole_list():
    """`of_type` and `unit_place_pairs` (which the utility AI scores from) give exactly
    the orders, in order, that reading the whole list would, over a seeded game."""
    world = load_world(shipped_path("tripoli_2019"))
    state = new_game(world, 3)
    agent = SeededRandom(3)
    seen = {Move: 0, DroneStrike: 0, Attack: 0, Recruit: 0}
    for _ in range(400):
        if state.over:
            break
        options = legal_actions(state)
        everything = list(options)
        for cls in (Move, DroneStrike, Attack, Recruit, RequestSupport, (Attack, Recruit)):
            wanted = [a for a in everything if isinstance(a, cls)]
            assert list(options.of_type(cls)) == wanted
            if cls in seen:
                seen[cls] += len(wanted)
        units, places = options.unit_place_pairs(Move)
        assert [Move(int(u), world.place_ids[p]) for u, p in zip(units, places)] == \
            [a for a in everything if isinstance(a, Move)]
        for kind in ("units", "air_defence", "supply"):
            units, places = options.unit_place_pairs(DroneStrike, kind)
            assert [DroneStrike(int(u), world.place_ids[p], kind) for u, p in zip(units, places)] == \
                [a for a in everything if isinstance(a, DroneStrike) and a.kind == kind]
        apply(state, agent.act(state))
    assert all(seen.values()), seen  # every kind of order was on offer at some point


def test_battle_and_strike_events_report_every_fighter_lost():
    """The losses a battle or strike reports are what the sides really lost: routs,
    units worn below the floor and men cut off with nowhere to fall back included
    (the lab's losses-by-cause figures are built from these events)."""
    from game.ai.agents import make_agents

    world = load_world(shipped_path("tripoli_2019"))

    def ground(s, f):
        n = s.n_units
        m = s.u_alive[:n] & (s.u_owner[:n] == f) & world.t_ground[s.u_type[:n]]
        return float(s.u_str[:n][m].sum())

    checked = {"strike": 0, "repulsed": 0, "taken": 0}
    # The first 40 turns of games from seed 2 on, until each kind of loss has been seen.
    for seed in range(2, 8):
        if all(checked.values()):
            break
        game_seed, agent_seed = np.random.SeedSequence(seed).spawn(2)
        state = new_game(world, game_seed)
        agents = make_agents(world, agent_seed, {"gna": "normal", "lna": "normal"})
        _check_losses(world, state, agents, ground, checked)
    assert all(checked.values()), checked


def _check_losses(world, state, agents, ground, checked: dict) -> None:
    """Play a game to turn 40, holding each strike's and battle's reported losses to the
    sides' strength before and after it, and count each kind seen in `checked`."""
    while not state.over and state.turn < 40:
        before = [ground(state, f) for f in range(world.F)]
        locals_before = state.local_defence.copy()
        action = agents[state.active].act(state)
        events = apply(state, action)
        after = [ground(state, f) for f in range(world.F)]
        if isinstance(action, DroneStrike) and action.kind == "units" and events[0].data.get("damage") is not None:
            p = world.pidx[action.target]
            victim = int(state.owner[p])
            lost = before[victim] - after[victim] + locals_before[p] - state.local_defence[p]
            assert events[0].data["damage"] == pytest.approx(lost, abs=0.06)
            checked["strike"] += lost > 0
        elif isinstance(action, Attack) and events and events[0].kind == "battle":
            d = events[0].data
            f, p = world.fidx[events[0].faction], world.pidx[action.target]
            assert d["attacker_lost"] == pytest.approx(before[f] - after[f], abs=0.51)
            if d["defender"] is not None:
                o = world.fidx[d["defender"]]
                if d["won"]:  # the place's remaining armed locals go home; they were not killed
                    assert before[o] - after[o] - 0.51 <= d["defender_lost"] <= before[o] - after[o] + locals_before[p] + 0.51
                    checked["taken"] += 1
                else:
                    lost = before[o] - after[o] + locals_before[p] - state.local_defence[p]
                    assert d["defender_lost"] == pytest.approx(lost, abs=0.51)
                    checked["repulsed"] += 1
