"""Occupation (`rules.politics.occupation_garrison`): a town taken from the side its
people chose stays taken only under a garrison; held with too few, it rises and goes
back, with some of its armed locals."""

from __future__ import annotations

import pytest

from engine_helpers import BLUE, RED, P, clear_units, end_round, fixture_world, put
from game.engine import World, new_game
from game.engine.occupation import garrison_for, garrison_needed, occupied
from game.engine.territory import capture


def with_occupation(name: str, rate: float, back: float, seed: int):
    spec = fixture_world(name).spec
    pol = spec.rules.politics.model_copy(update={"occupation_garrison": rate, "uprising_locals": back})
    spec = spec.model_copy(update={"rules": spec.rules.model_copy(update={"politics": pol})})
    return new_game(World(spec), seed)


def occupation_arena(rate: float = 3.0, back: float = 0.5, seed: int = 0):
    """The arena with the rule on; Blue has just taken Red's Open Target (40,000 people)."""
    s = with_occupation("arena", rate, back, seed)
    clear_units(s)
    capture(s, BLUE, P(s, "t_open"))
    return s


def test_only_towns_taken_from_the_side_their_people_chose_need_a_garrison():
    s = occupation_arena()
    target, front = P(s, "t_open"), P(s, "front")
    need = garrison_needed(s)
    # 3 fighters a thousand people: 120 for the 40,000 of the Open Target.
    assert need[target] == pytest.approx(3.0 * 40_000 / 1000)
    assert occupied(s)[target] and not occupied(s)[front] and need[front] == 0
    # What each side would owe wherever it took a town of the other's.
    assert garrison_for(s, BLUE)[target] == pytest.approx(120.0)
    assert garrison_for(s, RED)[target] == 0.0 and garrison_for(s, RED)[front] == pytest.approx(90.0)


def test_an_ungarrisoned_town_rises_and_goes_back_with_some_of_its_armed_locals():
    s = occupation_arena(back=0.5)
    target = P(s, "t_open")
    events = end_round(s)  # nobody holds it for Blue: the shortfall is whole, so it rises for certain
    assert s.owner[target] == RED
    assert s.local_defence[target] == pytest.approx(0.5 * s.world.local_defence0[target])
    (ev,) = [e for e in events if e.kind == "control" and e.data.get("uprising")]
    assert ev.data == {"place": "t_open", "from": "blue", "uprising": True}


def test_a_full_garrison_holds_the_town():
    for seed in range(20):
        s = occupation_arena(seed=seed)
        put(s, "inf", "blue", "t_open", strength=120.0)
        end_round(s)
        assert s.owner[P(s, "t_open")] == BLUE


def test_a_short_garrison_holds_as_often_as_it_is_full():
    held = 0
    for seed in range(200):
        s = occupation_arena(seed=seed)
        put(s, "inf", "blue", "t_open", strength=90.0)  # three quarters of the 120 needed
        end_round(s)
        held += s.owner[P(s, "t_open")] == BLUE
    assert 0.65 <= held / 200 <= 0.85  # rises with chance 1/4


def test_with_the_rule_off_nothing_rises():
    s = occupation_arena(rate=0.0)
    end_round(s)
    assert s.owner[P(s, "t_open")] == BLUE
    assert garrison_needed(s).max() == 0 and garrison_for(s, BLUE).max() == 0


def test_a_town_handed_over_by_its_own_militia_is_not_occupied():
    """Red's Turncoats, whose home is Far Town, go over to Blue at the end of turn 2
    (tests/data/engine/bugs.yaml): the town's people go with them."""
    for seed in range(10):
        s = with_occupation("bugs", 3.0, 0.5, seed)
        far = P(s, "far")
        assert s.allegiance[far] == RED
        end_round(s)
        events = end_round(s)
        assert [e for e in events if e.kind == "defection"]
        assert s.owner[far] == BLUE and s.allegiance[far] == BLUE
        assert not occupied(s)[far] and garrison_needed(s)[far] == 0
        assert garrison_for(s, RED)[far] > 0  # now Red would be the occupier
        for _ in range(5):  # nobody garrisons it, and it never rises
            end_round(s)
            assert s.owner[far] == BLUE


def test_a_town_taken_by_force_keeps_its_peoples_side():
    s = with_occupation("bugs", 3.0, 0.5, 0)
    far = P(s, "far")
    capture(s, BLUE, far)
    assert s.allegiance[far] == RED and occupied(s)[far]


def sided_arena(sided_with: str | None, guard: float = 5.0):
    """The arena with the rule and a home guard on, and Red's Open Target (40,000 people,
    no armed locals of its own) optionally siding with someone other than Red."""
    spec = fixture_world("arena").spec
    places = dict(spec.map.places)
    places["t_open"] = places["t_open"].model_copy(update={"sided_with": sided_with})
    rules = spec.rules.model_copy(update={
        "politics": spec.rules.politics.model_copy(update={"occupation_garrison": 3.0, "uprising_locals": 0.5}),
        "combat": spec.rules.combat.model_copy(update={"home_guard": guard})})
    spec = spec.model_copy(update={"rules": rules, "map": spec.map.model_copy(update={"places": places})})
    s = new_game(World(spec), 0)
    clear_units(s)
    return s


def test_a_town_whose_people_sided_with_the_enemy_starts_occupied_and_its_locals_stand_aside():
    guard = 5.0 * 40_000 / 1000  # the home guard's 200 armed locals
    plain = sided_arena(None)
    target = P(plain, "t_open")
    assert plain.local_defence[target] == pytest.approx(guard) and not occupied(plain)[target]
    s = sided_arena("blue")
    assert s.owner[target] == RED and s.allegiance[target] == BLUE
    assert s.local_defence[target] == 0.0  # they do not fight for a holder they never chose
    assert occupied(s)[target] and garrison_needed(s)[target] == pytest.approx(120.0)
    # Left without a garrison it rises for Blue, and half its armed men come back, for Blue.
    end_round(s)
    assert s.owner[target] == BLUE
    assert s.local_defence[target] == pytest.approx(0.5 * guard)


def test_a_town_sided_with_its_holder_is_the_same_as_one_that_says_nothing():
    a, b = sided_arena(None), sided_arena("red")
    assert (a.local_defence == b.local_defence).all() and (a.allegiance == b.allegiance).all()


def test_sided_with_names_a_faction(cli, write_scenario):
    from conftest import mini_text

    line = next(ln for ln in mini_text().splitlines() if "owner: red" in ln and "population" in ln)
    path = write_scenario((line, line.replace("owner: red", "owner: red, sided_with: bleu")))
    r = cli("validate", path)
    assert r.code == 1 and "unknown faction 'bleu'" in r.text and "did you mean 'blue'" in r.text


def test_an_occupied_towns_tooltip_says_whose_it_is_and_the_garrison_it_needs():
    from game.client.describe import place_html

    s = sided_arena("blue")
    tip = place_html(s, P(s, "t_open"))
    assert "Occupied: its people side with" in tip and "keep 120 fighters" in tip
    assert "Occupied" not in place_html(sided_arena(None), P(s, "t_open"))
