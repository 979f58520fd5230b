"""The pygame-ce + pygame_gui client: it turns engine state and events into pictures
and player input into engine actions, and nothing more.

    commands.py     `sandtable play` (add_commands) and its options
    app.py          the window, the frame loop, the screen state machine, screenshots
    menu.py         scenario picker (broken scenarios shown with their errors), options, load
    game_screen.py  the map screen: map, panels, orders, AI turns, animations, save/load
    map_view.py     cached base map (sea, land, territory, roads), places, names, counters, overlays
    projection.py   degrees -> km -> pixels; the camera (zoom and pan)
    orders.py       selection -> engine actions (from legal_actions), refusals explained
    panels.py       top bar and side panel (resources, selection, advice, turn log)
    dialogs.py      event choices, attack/strike/recruit windows, backers, reports, help
    anim.py         short animations of moves, battles, strikes and arrivals
    endscreen.py    the verdict and matplotlib charts of the game
    session.py      one game: state, agents, log, history, saves (persist + sidecar), autosave
    replay.py       `play --replay`: a lab replay rebuilt, verified, and played back as a spectated session
    describe.py     words for places, units, effects and orders (no pygame)
    catalog.py      scenario files found in a directory, loaded or with their problems
    options.py      window size, fullscreen, animation speed (options.json)
    gfx.py          fonts, cached text, colours, dashed lines and arrows
    frame_times.py  bench_frames(): frame time of the map screen
    theme.json      the pygame_gui theme
"""
