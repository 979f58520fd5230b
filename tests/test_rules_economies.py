"""Economies of their own (`economies`): a stream paid to whoever holds its regions'
bank, one whose fields pay whoever holds each, and the national pot of the fields in no
listed region. On the arena of tests/data/engine/economies.yaml; every expected figure
is worked out from the fixture's own prices and shares."""

from __future__ import annotations

import pytest

from engine_helpers import BLUE, RED, P, arena
from game.engine.economy import income, oil_income, oil_revenue, revenue_share
from game.engine.territory import capture


def _value(s, bpd: float, price: float, share: float) -> float:
    return bpd * s.world.days_per_turn * price * share / 1e6


def streams(s) -> dict:
    """Each economy's revenue this turn, worked out from the file's figures."""
    spec = s.world.spec
    eco = spec.rules.economy
    west, east = spec.economies["west"], spec.economies["east"]
    flowing = {pid: 0.0 if s.owner[P(s, pid)] >= 0 and s.blockade[s.owner[P(s, pid)]] else float(s.oil[P(s, pid)])
               for pid in spec.map.places}
    return {
        "west": _value(s, flowing["link"], west.price_usd, eco.state_share),
        "east_by": {f: _value(s, sum(v for pid, v in flowing.items() if spec.map.places[pid].region == "east"
                                     and s.owner[P(s, pid)] == f), eco.oil_price_usd, east.state_share)
                    for f in (BLUE, RED)},
        "national": _value(s, flowing["far"], eco.oil_price_usd, eco.state_share),
    }


def _fixed(s) -> tuple[float, float]:
    """Red's fixed shares: of the western pot, and of the national one."""
    spec = s.world.spec
    return spec.economies["west"].shares["red"], spec.economies["national"].shares["red"]


def test_each_economy_pays_as_its_data_says():
    s = arena(name="economies")
    spec = s.world.spec
    got = streams(s)
    red_fixed = spec.economies["west"].shares["red"]
    # The west pays Blue, who holds its bank, all but Red's fixed share; the east pays
    # Red for the fields it holds; the national pot has no bank, so only Red's share of it is paid.
    assert oil_income(s, BLUE) == pytest.approx(got["west"] * (1 - red_fixed) + got["east_by"][BLUE])
    assert oil_income(s, RED) == pytest.approx(got["west"] * red_fixed + got["east_by"][RED]
                                               + got["national"] * spec.economies["national"].shares["red"])
    assert oil_revenue(s) == pytest.approx(got["west"] + sum(got["east_by"].values()) + got["national"])
    base = spec.factions["blue"].income.base
    assert income(s, BLUE) == pytest.approx(base + spec.factions["blue"].income.per_100k_population
                                            * sum(p.population for p in spec.map.places.values() if p.owner == "blue")
                                            / 100_000 + oil_income(s, BLUE))


def test_a_field_paid_to_its_holder_pays_whoever_takes_it():
    s = arena(name="economies")
    before = oil_income(s, BLUE)
    capture(s, BLUE, P(s, "t_open"))
    gained = _value(s, float(s.oil[P(s, "t_open")]), s.world.spec.rules.economy.oil_price_usd,
                    s.world.spec.economies["east"].state_share)
    assert oil_income(s, BLUE) == pytest.approx(before + gained)
    # The west's pot stays with the bank's holder, wherever its fields are held.
    capture(s, RED, P(s, "link"))
    assert oil_income(s, BLUE) == pytest.approx(before + gained)
    capture(s, RED, P(s, "base"))  # Red takes the bank: the whole western pot is Red's
    assert oil_income(s, RED) == pytest.approx(streams(s)["west"] + streams(s)["east_by"][RED]
                                               + streams(s)["national"] * _fixed(s)[1])


def test_a_blockade_shuts_the_blockaders_fields_in_every_economy():
    s = arena(name="economies")
    s.blockade[RED] = True
    got = streams(s)
    assert got["east_by"][RED] == 0.0 and got["national"] == 0.0
    west_share, national_share = _fixed(s)
    assert oil_income(s, RED) == pytest.approx(got["west"] * west_share)
    # What the AI weighs before a blockade is the share of the revenue were no field shut.
    s.blockade[RED] = False
    whole = oil_revenue(s)
    red = got["west"] * west_share + streams(s)["east_by"][RED] + streams(s)["national"] * national_share
    assert revenue_share(s, RED) == pytest.approx(red / whole)
