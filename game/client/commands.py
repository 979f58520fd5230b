"""`sandtable play`: the command that opens the game window.

    sandtable play [SCENARIO] [--as FACTION|BACKER|spectate] [--hotseat FACTION|BACKER] [--ai LEVEL] [--seed S]
                   [--load SAVE] [--screenshot PATH] [--autoplay TURNS] [--size WxH]
    sandtable play [SCENARIO] --replay FILE [--screenshot PATH] [--autoplay TURNS]
    sandtable play [SCENARIO] --autoplay TURNS --save FILE [--seed S] [--as FACTION]

Without --as or --load it opens the main menu. --as a backer's id (as the scenario
names it) seats the player as that foreign backer, the AI commanding every faction.
--hotseat gives a second person at the same machine another seat (the other faction,
or another backer); a hand-over screen hides each seat's view from the other. --screenshot renders one picture
(after --autoplay turns played by the AI on every side) and exits; it works with
SDL's dummy video driver, so it needs no display. --replay watches a lab game
(`simulate --save-replays`) as a spectator, its recorded orders instead of agents;
with --autoplay the first TURNS rounds are played back before the window opens.
--save writes the position after --autoplay as a save and exits without a window.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

from ..engine.persist import SaveError
from ..scenario import ScenarioError, load_scenario
from .paths import DEFAULT_SCENARIO, default_save_dir


def add_commands(subparsers) -> None:
    p = subparsers.add_parser("play", help="play a scenario in a window (or watch the AI play it)",
                              description="Open the game window: the main menu, or straight into a game with --as "
                                          "or --load.")
    p.add_argument("scenario", nargs="?", default=None, help="scenario file (default: scenarios/tripoli_2019.yaml)")
    p.add_argument("--as", dest="side", metavar="FACTION|BACKER|spectate",
                   help="play this faction or foreign backer (its id in the scenario), or watch the AI play every "
                        "side")
    p.add_argument("--hotseat", metavar="FACTION|BACKER",
                   help="a second person plays this seat on the same machine (with --as): faction against "
                        "faction, or backer against backer")
    p.add_argument("--ai", dest="level", metavar="LEVEL", help="AI level for the other sides (default: normal)")
    p.add_argument("--seed", type=int, default=None, help="game seed (default: random)")
    p.add_argument("--load", metavar="SAVE", help="resume a saved game")
    p.add_argument("--replay", metavar="FILE",
                   help="watch a lab replay (DIR/replays/game-NNNNN.json); SCENARIO, if given, is the scenario "
                        "file to replay it on")
    p.add_argument("--screenshot", metavar="PATH", help="save a PNG of the first screen (after --autoplay) and exit")
    p.add_argument("--autoplay", type=int, default=0, metavar="TURNS",
                   help="let the AI play every side for TURNS turns first (stops at a question for your side)")
    p.add_argument("--save", metavar="FILE",
                   help="with --autoplay: write the position after TURNS turns as a save and exit, with no window "
                        "(for bug reports and tests; open it with --load FILE)")
    p.add_argument("--size", metavar="WxH", help="window size, e.g. 1600x900")
    p.add_argument("--fullscreen", action="store_true", help="open full screen")
    p.add_argument("--save-dir", metavar="DIR", help="where saves, autosaves and options live "
                                                     "(default: ~/.local/share/sandtable)")
    p.add_argument("--frames", type=int, default=None, help=argparse.SUPPRESS)  # run this many frames, then exit
    p.set_defaults(func=cmd_play)


def parse_size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"--size must look like 1600x900, not {text!r}")
    w, h = int(parts[0]), int(parts[1])
    if not (640 <= w <= 7680 and 480 <= h <= 4320):
        raise ValueError(f"--size {w}x{h} is outside 640x480 .. 7680x4320")
    return (w, h)


def _err(msg: str, code: int) -> int:
    print(f"sandtable: error: {msg}", file=sys.stderr)
    return code


def _no_side(side: str, where: str, factions, backers, spectate: bool = True) -> str:
    return (f"no faction or backer '{side}' in {where} (factions: {', '.join(factions)}; backers: "
            f"{', '.join(backers) or 'none'}{'; or spectate' if spectate else ''})")


def _ready_the_kernels() -> None:
    """Compile the engine's kernels before the window opens if this machine has not yet
    (`make play` has, with `sandtable compile`): twenty seconds with a word on the
    terminal beat a window that freezes on the first turn."""
    from ..engine.jit import kernels_ready

    if kernels_ready():
        return
    from ..ai.agents import warm_up
    from ..engine import World

    print("Preparing the engine for this machine (once per version of Sandtable, about 20 s)...", flush=True)
    loaded = load_scenario(DEFAULT_SCENARIO)
    warm_up(World(loaded.spec, loaded.sha256))


def cmd_play(args: argparse.Namespace) -> int:
    if args.screenshot:  # pictures need no display (unless a driver is named explicitly)
        for var in ("SDL_VIDEODRIVER", "SDL_AUDIODRIVER"):
            if not os.environ.get(var):
                os.environ[var] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from .session import GameSession, autoplay, available_levels, default_level

    try:
        size = parse_size(args.size)
    except ValueError as exc:
        return _err(str(exc), 2)
    level = args.level or default_level()
    from ..ai.agents import LEVEL_HELP, is_level

    if not is_level(level):
        return _err(f"unknown AI level '{level}' (choose from: {', '.join(available_levels())}; {LEVEL_HELP})", 2)
    if args.autoplay < 0:
        return _err("--autoplay must be 0 or more turns", 2)
    if args.hotseat and (args.load or args.replay):
        return _err("--hotseat starts a new game: a save keeps the seats it was played with", 2)
    _ready_the_kernels()
    save_dir = Path(args.save_dir) if args.save_dir else default_save_dir()
    scenario = Path(args.scenario) if args.scenario else None
    seed = args.seed if args.seed is not None else secrets.randbelow(100_000)
    headless = bool(args.screenshot or args.save)  # neither opens a window nor touches the autosave
    session = None
    if args.replay:
        from .replay import ReplayError, load_replay

        if args.load or (args.side and args.side != "spectate"):
            return _err("--replay is watched as a spectator: it cannot go with --load or --as FACTION", 2)
        try:
            session = load_replay(args.replay, scenario, save_dir)
        except ReplayError as exc:
            return _err(str(exc), 1)
        except ScenarioError as exc:
            print(exc.render(), file=sys.stderr)
            return 1
        scenario = None  # the replay's scenario is not one for the menu's list
    elif args.load:
        try:
            session = GameSession.load(args.load, save_dir, scenario=scenario, autosave=not headless)
        except SaveError as exc:
            return _err(f"cannot load {args.load}: {exc}", 1)
        except ScenarioError as exc:
            print(exc.render(), file=sys.stderr)
            return 1
        if args.side:
            w = session.world
            if args.side == "spectate":
                session.sit(None)
            elif args.side in w.fidx:
                session.sit(("faction", w.fidx[args.side]))
            elif args.side in w.bidx and session.state.seated[w.bidx[args.side]]:
                session.sit(("backer", w.bidx[args.side]))
            elif args.side in w.bidx:
                return _err(f"{args.side} is played by the scenario's own policy in this save; a backer's seat "
                            "is chosen when the game starts", 2)
            else:
                return _err(_no_side(args.side, "this scenario", w.faction_ids, w.backer_ids), 2)
        if args.level:
            session.level = level
    elif scenario is not None or args.side or args.autoplay:
        path = scenario or DEFAULT_SCENARIO
        try:
            loaded = load_scenario(path)
        except ScenarioError as exc:
            print(exc.render(), file=sys.stderr)
            return 1
        except OSError as exc:
            return _err(f"cannot read {path}: {exc}", 1)
        if args.side or args.autoplay:
            side = args.side or "spectate"
            factions, backers = list(loaded.spec.factions), list(loaded.spec.backers)
            human = backer = hotseat = None
            if side in factions:
                human = factions.index(side)
            elif side in backers:
                backer = backers.index(side)
            elif side != "spectate":
                return _err(_no_side(side, loaded.id, factions, backers), 2)
            if args.hotseat:
                if side == "spectate":
                    return _err("--hotseat is a second player's seat: give the first with --as", 2)
                if args.hotseat == side:
                    return _err(f"--hotseat {args.hotseat} is the seat --as already takes; choose another", 2)
                if args.hotseat in factions:
                    hotseat = ("faction", factions.index(args.hotseat))
                elif args.hotseat in backers:
                    hotseat = ("backer", backers.index(args.hotseat))
                else:
                    return _err(_no_side(args.hotseat, loaded.id, factions, backers, spectate=False), 2)
            session = GameSession.new(loaded, human, level, seed, save_dir, autosave=not headless, backer=backer,
                                      hotseat=hotseat)
    if args.save and (session is None or args.replay):
        return _err("--save writes a game's position: give --autoplay TURNS (and --as, --load or a scenario)", 2)
    if session is not None and args.autoplay:
        autoplay(session, args.autoplay)
    if args.save:
        try:
            written = session.save(args.save)
        except OSError as exc:
            return _err(f"cannot write {args.save}: {exc.strerror or exc}", 1)
        print(f"wrote {written} (turn {session.state.turn}{', game over' if session.state.over else ''})")
        return 0

    import pygame

    from .app import App

    try:
        app = App(size, save_dir=save_dir, threaded=not headless, fullscreen=True if args.fullscreen else None,
                  quiet=headless, extra_scenarios=[scenario] if scenario else None)
    except pygame.error as exc:
        return _err(f"cannot open a window ({exc}); is a display available? "
                    "`sandtable play --screenshot FILE.png` draws without one", 1)
    if headless:
        app.options.speed = "instant"
    try:
        if session is None:
            app.show_menu(preselect=scenario)
        else:
            app.start_game(session)
        if args.screenshot:
            if session is not None and session.is_replay:  # the picture shows exactly TURNS rounds played back
                app.screen.hold = True
            for _ in range(6):
                app.step(1 / 60)
            out = app.screenshot(args.screenshot)
            print(f"wrote {out}")
            return 0
        return app.run(max_frames=args.frames)
    finally:
        if app.executor is not None or app.screen is not None:
            app.close()
