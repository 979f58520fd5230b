"""The scenario schema: frozen pydantic models for everything a YAML scenario holds.

These models are the single source of truth for the format: the loader validates
against them, `sandtable schema` exports them as JSON Schema, and the reference in
`scenarios/README.md` is generated from that export. Every field therefore carries
a description written for scenario authors, not for programmers.

Money is in millions of US dollars (`musd`), strength in fighters (or the
fighting-power equivalent of that many fighters for machines), distances in km.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .rates import RATES

FORMAT_VERSION = 1

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]{0,47}$",
        description="An identifier: lower-case letters, digits and underscores, starting with a letter.",
    ),
]
SourceRef = Annotated[
    Union[Id, list[Id], None],
    Field(description="Id (or list of ids) of entries in `meta.sources` that back this value."),
]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Percent = Annotated[float, Field(ge=0.0, le=100.0)]
Stock = Annotated[int, Field(ge=0, le=10_000_000, description="A count of munitions.")]
Money = Annotated[float, Field(ge=0.0, le=1_000_000.0, description="Millions of US dollars.")]
Km = Annotated[float, Field(gt=0.0, le=5000.0, description="Kilometres.")]


class Strict(BaseModel):
    """Base for all scenario models: immutable, and unknown keys are errors (typos get caught)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- meta


class Source(Strict):
    title: str = Field(description="What the source is: article headline, report or dataset name.")
    publisher: str | None = Field(None, description="Outlet or organisation.")
    date: dt.date | None = Field(None, description="Publication date, if known.")
    url: str | None = Field(None, description="Where to find it, if public.")
    note: str | None = Field(None, description="What the scenario takes from it, in the project's own words.")


class Bounds(Strict):
    lat_min: float = Field(ge=-90, le=90, description="Southern edge of the map view, degrees.")
    lat_max: float = Field(ge=-90, le=90, description="Northern edge of the map view, degrees.")
    lon_min: float = Field(ge=-180, le=180, description="Western edge of the map view, degrees.")
    lon_max: float = Field(ge=-180, le=180, description="Eastern edge of the map view, degrees.")

    @model_validator(mode="after")
    def _ordered(self) -> "Bounds":
        if self.lat_min >= self.lat_max:
            raise ValueError("lat_min must be less than lat_max")
        if self.lon_min >= self.lon_max:
            raise ValueError("lon_min must be less than lon_max")
        return self


class TimeoutRule(str, Enum):
    points = "points"
    draw = "draw"


class Meta(Strict):
    id: Id = Field(description="Unique scenario id; saves and lab results record it.")
    title: str = Field(min_length=1, max_length=120, description="Title shown in the scenario picker.")
    description: str = Field("", max_length=4000, description="A paragraph for the scenario picker.")
    format_version: Literal[2] = Field(
        description="Version of this file format. Currently 2. A file of version 1 still loads, upgraded as it is "
        "read; `sandtable upgrade FILE` rewrites it as version 2, keeping its comments."
    )
    start_date: dt.date = Field(description="Date of turn 1.")
    days_per_turn: int = Field(7, ge=1, le=92, description="Days of war in one turn.")
    rates: Literal["turn", "day"] = Field(
        "turn",
        description="What the file's rates are stated for: `turn` (as the engine runs them) or `day`, in which "
        "case each rate the file writes is scaled by `days_per_turn` when it loads (an amount multiplied, a "
        "chance or a share lost compounded, 1 - (1 - x)^days) and the rules' defaults stay per turn. The "
        "rates: " + ", ".join(".".join(path) for path, _ in RATES) + ".",
    )
    last_turn: int = Field(ge=1, le=1000, description="The game ends after this turn if nobody has won.")
    on_timeout: TimeoutRule = Field(
        TimeoutRule.points,
        description="Verdict when the last turn passes without a victory: `points` (most victory points "
        "held wins, ties are a draw) or `draw`.",
    )
    bounds: Bounds = Field(description="Map view bounds.")
    sources: dict[Id, Source] = Field(
        default_factory=dict, description="Sources that `source:` fields anywhere in the file may cite."
    )


# --------------------------------------------------------------------------- map


class PlaceKind(str, Enum):
    city = "city"
    town = "town"
    suburb = "suburb"
    airbase = "airbase"
    oil_field = "oil_field"
    terminal = "terminal"
    port = "port"


class Terrain(str, Enum):
    open = "open"
    urban = "urban"
    mountain = "mountain"
    desert = "desert"


class Feature(str, Enum):
    airbase = "airbase"
    port = "port"
    central_bank = "central_bank"
    capital = "capital"
    refinery = "refinery"
    supply_hub = "supply_hub"


class Place(Strict):
    name: str = Field(min_length=1, max_length=60, description="Name shown on the map.")
    lat: float = Field(ge=-90, le=90, description="Latitude, degrees north.")
    lon: float = Field(ge=-180, le=180, description="Longitude, degrees east.")
    kind: PlaceKind = Field(description="What sort of place this is; sets its map symbol.")
    region: Id | None = Field(None, description="Region id, used by factions' `home_regions` for supply.")
    population: int = Field(0, ge=0, le=50_000_000, description="Inhabitants; civilian harm scales with it.")
    owner: Id | None = Field(None, description="Faction holding it at the start; omit for a neutral place.")
    sided_with: Id | None = Field(
        None,
        description="The side the place's people stand with, where it is not the holder at the start: a town "
        "taken just before the war opens, or held by a side its people never chose. Its armed locals "
        "(`rules.combat.home_guard`) do not fight for such a holder, who must garrison it under "
        "`rules.politics.occupation_garrison`. Omit when the people stand with the holder.",
    )
    terrain: Terrain = Field(Terrain.open, description="Ground the defender fights on.")
    features: list[Feature] = Field(default_factory=list, description="What holding the place gives.")
    oil_bpd: int = Field(0, ge=0, le=5_000_000, description="Oil produced or exported here, barrels per day.")
    local_defence: int = Field(
        0, ge=0, le=100_000,
        description="Armed locals who defend the place: a neutral one against anyone who enters, a held one "
        "for its holder at the start (on top of `rules.combat.home_guard`), until they are beaten.",
    )
    fortification: float = Field(
        0.0, ge=0, le=10,
        description="Levels of prepared defences (trenches, berms, hardened shelters) at the start; each level "
        "lifts the defence by `rules.fortification.defence_per_level`. Strikes and artillery wear them down. "
        "At most `rules.fortification.max_level`.",
    )
    allegiance_cost: Money = Field(
        0.0, description="Price to buy a neutral place's allegiance; 0 means it cannot be bought."
    )
    victory_points: int = Field(0, ge=0, le=1000, description="Points for holding it (see `on_timeout`).")
    note: str = Field("", max_length=1000, description="Why the place matters, shown in its tooltip.")
    source: SourceRef = None


class RouteKind(str, Enum):
    highway = "highway"
    road = "road"
    track = "track"
    desert = "desert"  # a desert track: slower still, and hard to supply along
    mountain_pass = "pass"
    crossing = "crossing"  # a river crossing, ferry or causeway


class Route(Strict):
    a: Id = Field(description="Place at one end.")
    b: Id = Field(description="Place at the other end.")
    kind: RouteKind = Field(
        RouteKind.road,
        description="Road class, or the ground it crosses: a track, a desert track, a mountain pass and a river "
        "crossing are slower than a road (`rules.movement.route_factor`). A pass or a crossing that is also a "
        "chokepoint says so with `defence`.",
    )
    km: Km = Field(description="Length by road.")
    closed_months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default_factory=list,
        description="Months of the year (1-12) in which nothing can use the route, by the date a turn starts: snow "
        "in a pass, a river in flood, a desert track in the summer heat. No march, supply or attack goes along it "
        "then.",
    )
    defence: float = Field(
        1.0, ge=1.0, le=5.0,
        description="A chokepoint: an attack along the route meets the defence multiplied by this (a pass, a river "
        "crossing, a causeway), on top of the ground of the place attacked.",
    )
    height: Id | None = Field(
        None,
        description="The end that dominates the route: only attacks towards it meet `defence`. Leave it out and "
        "attacks both ways do.",
    )
    source: SourceRef = None

    @model_validator(mode="after")
    def _distinct(self) -> "Route":
        if self.a == self.b:
            raise ValueError("a route must join two different places")
        if self.height is not None and self.height not in (self.a, self.b):
            raise ValueError(f"height must be one of the route's ends, '{self.a}' or '{self.b}'")
        return self


class MapSpec(Strict):
    geojson: str = Field(
        description="Path, relative to the scenario file, of a GeoJSON file with the country outline and "
        "neighbours (features with a `role` of `country` or `neighbour`), and any map layers: features with a "
        "`layer` of `contact` (a line of contact, a LineString), `frontier` (a historical frontier, a "
        "LineString) or `disputed` (a disputed area, a Polygon), an optional `name`, and optional `from` and "
        "`until` ISO dates between which the client draws them (C shows and hides them)."
    )
    places: dict[Id, Place] = Field(min_length=2, description="Places by id.")
    routes: list[Route] = Field(min_length=1, description="Routes joining places; both ways.")


# --------------------------------------------------------------------------- units


class UnitCategory(str, Enum):
    militia = "militia"
    regular = "regular"
    elite = "elite"
    mercenary = "mercenary"
    artillery = "artillery"
    armour = "armour"
    drone = "drone"
    air_defence = "air_defence"
    aircraft = "aircraft"


class UnitType(Strict):
    name: str = Field(min_length=1, max_length=60, description="Name shown on counters and lists.")
    category: UnitCategory = Field(description="Which rules apply: ground, artillery, air or air defence.")
    strength: int = Field(
        ge=1, le=100_000, description="Strength of a freshly raised unit (fighters or equivalent)."
    )
    quality: float = Field(1.0, gt=0.0, le=5.0, description="Combat multiplier: training, kit and leadership.")
    speed_km: float = Field(
        0.0, ge=0.0, le=5000.0, description="Road km a unit can move in one turn (0 = cannot move by road)."
    )
    range_km: float = Field(
        0.0,
        ge=0.0,
        le=5000.0,
        description="Reach of drones, aircraft and artillery, or the coverage radius of air defence.",
    )
    strike: float = Field(
        0.0, ge=0.0, le=10_000.0, description="Fighters' worth of damage one strike or bombardment does."
    )
    sorties: int = Field(0, ge=0, le=50, description="Strikes a drone or aircraft unit can fly per turn.")
    munition: Id | None = Field(
        None,
        description="One of the scenario's `munitions`: each strike this unit flies spends one of its side's stock, "
        "shot down or not, and with none left it cannot strike (its support in a battle is not counted). Leave it "
        "out for a unit whose strikes cost nothing counted.",
    )
    intercept: Fraction = Field(
        0.0, description="Air defence: chance to bring down each strike flown through its coverage."
    )
    upkeep: Money = Field(description="Cost per turn to keep one full-strength unit.")
    cost: Money = Field(0.0, description="Cost to recruit one unit.")
    manpower: int = Field(0, ge=0, le=100_000, description="Manpower spent to recruit one unit.")
    source: SourceRef = None


class Unit(Strict):
    type: Id = Field(description="Unit type id.")
    owner: Id = Field(description="Faction that fields it (and gives it orders unless `backer` commands it).")
    place: Id = Field(description="Where it starts.")
    count: int = Field(1, ge=1, le=100, description="How many identical units to place.")
    strength: int | None = Field(None, ge=1, le=100_000, description="Starting strength; default: the type's.")
    name: str | None = Field(None, max_length=60, description="Label, e.g. the brigade's name.")
    militia: Id | None = Field(None, description="The owner's militia it belongs to, if any.")
    backer: Id | None = Field(
        None, description="A backer that still commands it (e.g. Wagner); the owner cannot give it orders."
    )
    source: SourceRef = None


# --------------------------------------------------------------------------- conditions


class _Cond(Strict):
    pass


class OwnsCond(_Cond):
    test: Literal["owns"] = Field(description="Which test this condition is.")
    faction: Id | None = Field(description="Faction, or null for neutral.")
    place: Id


class TurnCond(_Cond):
    test: Literal["turn_at_least"] = Field(description="Which test this condition is.")
    turn: int = Field(ge=1, le=1000, description="First turn on which it holds.")


class FlagCond(_Cond):
    test: Literal["flag"] = Field(description="Which test this condition is.")
    flag: Id = Field(description="A flag set by a `set_flag` effect.")


class CommitmentCond(_Cond):
    test: Literal["commitment_at_least"] = Field(description="Which test this condition is.")
    backer: Id
    value: Percent = Field(description="Commitment (0-100) the backer must have reached.")


class StatCond(_Cond):
    test: Literal["stat_below", "stat_above"] = Field(description="Which test this condition is.")
    faction: Id
    stat: Literal["treasury", "manpower", "legitimacy", "cohesion", "strength", "places"] = Field(description="Which figure of the faction to compare.")
    value: float = Field(description="Threshold.")


class NearCond(_Cond):
    test: Literal["enemy_near"] = Field(description="Which test this condition is.")
    faction: Id = Field(description="Whose enemies to look for.")
    place: Id
    km: Km = Field(description="Road distance within which an enemy-held place counts as near.")


class _Count(_Cond):
    """A count compared with bounds: at least one of the two is given."""

    at_least: float | None = Field(None, description="Holds when the count is this or more.")
    at_most: float | None = Field(None, description="Holds when the count is this or less.")

    @model_validator(mode="after")
    def _a_bound(self):
        if self.at_least is None and self.at_most is None:
            raise ValueError("give `at_least`, `at_most` or both")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError("at_least is above at_most, so the condition can never hold")
        return self


class VariableCond(_Count):
    test: Literal["variable"] = Field(description="Which test this condition is.")
    variable: Id = Field(description="One of the scenario's `variables`.")


class SentCond(_Count):
    test: Literal["sent"] = Field(description="Which test this condition is.")
    backer: Id
    package: Id = Field(description="One of the backer's packages: counts how many times it has been sent.")


class DeliveredCond(_Count):
    test: Literal["delivered"] = Field(
        description="Which test this condition is: how many times a package has arrived (not stopped by the embargo)."
    )
    backer: Id
    package: Id = Field(description="One of the backer's packages.")


class LossesCond(_Count):
    test: Literal["losses"] = Field(
        description="Which test this condition is: fighters a faction has lost in battle, to strikes and under siege "
        "(its armed locals with them) since the war began."
    )
    faction: Id


class _Where(_Count):
    """A count over the map, a region of it or one place."""

    place: Id | None = Field(None, description="Count at this place only.")
    region: Id | None = Field(None, description="Or in this region's places; give neither to count anywhere.")

    @model_validator(mode="after")
    def _one_area(self):
        if self.place is not None and self.region is not None:
            raise ValueError("give `place` or `region`, not both")
        return self


class StruckCond(_Where):
    test: Literal["struck"] = Field(
        description="Which test this condition is: drone and air strikes that got through (not shot down)."
    )
    by: Id | None = Field(None, description="Only strikes by this faction's units and its backers'.")


class HarmCond(_Where):
    test: Literal["harm"] = Field(description="Which test this condition is: civilians harmed by any side.")


class AllCond(_Cond):
    test: Literal["all"] = Field(description="Which test this condition is.")
    of: list["Condition"] = Field(min_length=1, description="Conditions that must all hold.")


class AnyCond(_Cond):
    test: Literal["any"] = Field(description="Which test this condition is.")
    of: list["Condition"] = Field(min_length=1, description="Conditions of which at least one must hold.")


class NotCond(_Cond):
    test: Literal["not"] = Field(description="Which test this condition is.")
    of: "Condition" = Field(description="The condition that must not hold.")


Condition = Annotated[
    Union[OwnsCond, TurnCond, FlagCond, CommitmentCond, StatCond, NearCond, VariableCond, SentCond, DeliveredCond,
          StruckCond, HarmCond, LossesCond, AllCond, AnyCond, NotCond],
    Field(discriminator="test"),
]


# --------------------------------------------------------------------------- effects


class _Effect(Strict):
    pass


class SetOwnerEffect(_Effect):
    effect: Literal["set_owner"] = Field(description="Which effect this is.")
    place: Id
    faction: Id | None = Field(description="New owner, or null to make it neutral. Units there of others retreat.")
    keep_locals: bool = Field(
        False,
        description="The place's armed locals go over with it and defend it for the new owner: a handover or an "
        "occupation by agreement, not a conquest. By default they are gone, as after a battle.",
    )
    rout: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Share of the strength of every other side's units there that is lost as they fall back: a "
        "surprise attack or a rising that scatters a garrison. By default (0) they withdraw whole, as from a "
        "handover; units worn below the rules' `supply.unit_floor` are lost altogether.",
    )


class StatEffect(_Effect):
    effect: Literal["treasury", "manpower", "legitimacy", "cohesion"] = Field(description="Which effect this is.")
    faction: Id
    delta: float = Field(ge=-1_000_000, le=1_000_000, description="Change to the figure (money in musd, manpower in fighters, others in points).")


class CommitmentEffect(_Effect):
    effect: Literal["commitment"] = Field(description="Which effect this is.")
    backer: Id
    delta: float = Field(ge=-100, le=100, description="Change in commitment, points.")


class SpawnEffect(_Effect):
    effect: Literal["spawn_units"] = Field(description="Which effect this is.")
    faction: Id
    place: Id
    type: Id
    count: int = Field(1, ge=1, le=100, description="How many units.")
    strength: int | None = Field(None, ge=1, le=100_000, description="Strength of each; default: the type's.")
    backer: Id | None = Field(None, description="Backer that commands them, if any.")


class DisbandEffect(_Effect):
    effect: Literal["disband"] = Field(description="Which effect this is.")
    faction: Id
    militia: Id | None = Field(None, description="Only this militia's units.")
    backer: Id | None = Field(None, description="Only units this backer commands.")
    fraction: Fraction = Field(1.0, description="Share of their strength that leaves.")


class DefectEffect(_Effect):
    effect: Literal["defect"] = Field(description="Which effect this is.")
    faction: Id = Field(description="Faction the units leave.")
    militia: Id
    to: Id = Field(description="Faction they join; their home place goes with them.")


class FlagEffect(_Effect):
    effect: Literal["set_flag"] = Field(description="Which effect this is.")
    flag: Id


class BlockadeEffect(_Effect):
    effect: Literal["blockade"] = Field(description="Which effect this is.")
    faction: Id = Field(description="Faction imposing (or lifting) the oil blockade.")
    on: bool = Field(description="True to impose the blockade, false to lift it.")


class OilEffect(_Effect):
    effect: Literal["oil_output"] = Field(description="Which effect this is.")
    place: Id
    bpd: int = Field(ge=0, le=5_000_000, description="New output in barrels per day.")


class EmbargoEffect(_Effect):
    effect: Literal["embargo"] = Field(description="Which effect this is.")
    level: Fraction = Field(description="Chance each foreign delivery is interdicted.")


class TruceEffect(_Effect):
    effect: Literal["truce"] = Field(description="Which effect this is.")
    turns: int = Field(ge=0, le=100, description="Turns without ground attacks or strikes; 0 ends a truce.")
    broker: Id | None = Field(
        None,
        description="Backer that brokered the truce, if one did. It is named wherever the truce is shown, and a side "
        "that breaks the truce (`rules.truce.breakable`) answers to it: a broker backing the other side gains "
        "`rules.truce.break_commitment`.",
    )


class SettleEffect(_Effect):
    effect: Literal["settle"] = Field(description="Which effect this is.")
    note: str = Field(min_length=1, max_length=300, description="What the sides agreed, for the end screen and the log.")
    shares: dict[Id, Fraction] | None = Field(
        None,
        description="What each faction gets from the settlement, 0 to 1, one entry per faction. Leave it out and each "
        "keeps what it holds: its share of the map's victory points when the war ends.",
    )


class UnlockEffect(_Effect):
    effect: Literal["unlock_package"] = Field(description="Which effect this is.")
    backer: Id
    package: Id


class FortifyEffect(_Effect):
    effect: Literal["fortify"] = Field(description="Which effect this is.")
    place: Id
    level: float | None = Field(None, ge=0, le=10, description="Set the place's works to this level.")
    delta: float | None = Field(None, ge=-10, le=10, description="Or add this many levels (less than 0 to tear down).")

    @model_validator(mode="after")
    def _one_of(self):
        if (self.level is None) == (self.delta is None):
            raise ValueError("give exactly one of `level` (set the works to it) or `delta` (add to them)")
        return self


class VariableEffect(_Effect):
    effect: Literal["variable"] = Field(description="Which effect this is.")
    variable: Id = Field(description="One of the scenario's `variables`.")
    add: int | None = Field(None, ge=-1_000_000, le=1_000_000, description="Add this to it (less than 0 to take away).")
    set: int | None = Field(None, ge=-1_000_000, le=1_000_000, description="Or set it to this.")

    @model_validator(mode="after")
    def _one_of(self):
        if (self.add is None) == (self.set is None):
            raise ValueError("give exactly one of `add` or `set`")
        return self


class RouteEffect(_Effect):
    effect: Literal["route"] = Field(description="Which effect this is.")
    a: Id = Field(description="Place at one end of the route.")
    b: Id = Field(description="Place at the other end.")
    open: bool = Field(
        description="False closes the route to everyone (a bridge blown, a corridor handed to a third party); true "
        "opens it again, in the months its `closed_months` leave open."
    )


class MessageEffect(_Effect):
    effect: Literal["message"] = Field(description="Which effect this is.")
    text: str = Field(min_length=1, max_length=500, description="Text for the turn log.")


Effect = Annotated[
    Union[
        SetOwnerEffect,
        StatEffect,
        CommitmentEffect,
        SpawnEffect,
        DisbandEffect,
        DefectEffect,
        FlagEffect,
        BlockadeEffect,
        OilEffect,
        EmbargoEffect,
        TruceEffect,
        SettleEffect,
        UnlockEffect,
        FortifyEffect,
        VariableEffect,
        RouteEffect,
        MessageEffect,
    ],
    Field(discriminator="effect"),
]


# --------------------------------------------------------------------------- factions


class Militia(Strict):
    name: str = Field(min_length=1, max_length=60, description="Name of the group.")
    home: Id | None = Field(None, description="Home place; it goes with the militia if it defects.")
    loyalty: Fraction = Field(0.7, description="How firmly it sticks with the faction when cohesion falls.")
    defects_to: Id | None = Field(None, description="Faction it would join rather than just go home.")
    source: SourceRef = None


class Economy(Strict):
    """A revenue stream of its own: the oil of some regions, paid to the holder of their
    bank or to whoever holds each field."""

    name: str = Field(min_length=1, max_length=80, description="What it is, e.g. 'Northern oil exports'.")
    regions: list[Id] = Field(
        default_factory=list, description="Regions whose fields feed it and whose central bank (if any) pays it out."
    )
    everywhere_else: bool = Field(
        False,
        description="It also takes every place of a region no other economy lists, and every place with no region: "
        "a national treasury. At most one economy may.",
    )
    paid_to: Literal["bank", "holder"] = Field(
        "bank",
        description="`bank`: the revenue goes to whoever holds a place of these regions with the `central_bank` "
        "feature (after the fixed `shares`), as a national treasury does. `holder`: each field pays the side that "
        "holds it, as a country's own fields or a looted oil town do.",
    )
    price_usd: float | None = Field(
        None, gt=0, le=1000, description="Dollars per barrel; default `rules.economy.oil_price_usd`."
    )
    state_share: Fraction | None = Field(
        None, description="Share of the revenue that reaches the war chests; default `rules.economy.state_share`."
    )
    shares: dict[Id, Fraction] = Field(
        default_factory=dict,
        description="With `paid_to: bank`: the share of the revenue a faction gets without holding the bank (a deal "
        "with the bank, or oil it smuggles); the bank's holder gets the rest.",
    )

    @model_validator(mode="after")
    def _somewhere(self) -> "Economy":
        if not self.regions and not self.everywhere_else:
            raise ValueError("an economy needs its `regions`, or `everywhere_else: true`")
        return self


class Income(Strict):
    base: Money = Field(0.0, description="Income per turn regardless of what is held.")
    per_100k_population: Money = Field(0.0, description="Income per turn for each 100,000 people held.")


class Personality(Strict):
    aggression: float = Field(1.0, ge=0.0, le=5.0, description="Weight on attacking and taking ground.")
    caution: float = Field(1.0, ge=0.0, le=5.0, description="Weight on defending threatened places.")
    economy: float = Field(1.0, ge=0.0, le=5.0, description="Weight on oil, money and the central bank.")
    legitimacy: float = Field(1.0, ge=0.0, le=5.0, description="Weight on avoiding civilian harm.")
    foreign_help: float = Field(1.0, ge=0.0, le=5.0, description="Eagerness to ask backers for support.")
    air_confidence: float = Field(
        0.0, ge=0.0, le=3.0,
        description="How far the side's daring follows the balance in the air: each turn its aggression is "
        "multiplied by (2 × its share of the war's air power) to this power, its share being the strike power of its "
        "drones and aircraft over that of its own and its enemies' together. At 1, a side with a quarter of the air "
        "power attacks with half its aggression and one with three quarters with one and a half times it; 0 (the "
        "default): the balance in the air does not move it.",
    )
    concentration: float = Field(
        0.0, ge=0.0, le=10.0,
        description="How firmly the side keeps its forces for its own threatened places before it attacks "
        "elsewhere. An attack is worth less by this times the most pressing defence need among the places of the "
        "side that the attacking units could reach by a move instead (the need the AI's moves answer: each place's "
        "shortfall of troops against the threat to it, times its worth and the side's caution). A side at 0 (the "
        "default) attacks wherever the odds and the prize are good, and leaves its threatened places to its moves "
        "afterwards; at 1, a side under pressure raids nothing until its front is held, as a government besieged "
        "in its capital calls every brigade to the city.",
    )
    home_ties: float = Field(
        0.0, ge=0.0, le=10.0,
        description="How much more a militia's fighters weigh the needs of their own home town (the militia's "
        "`home`) than those of any other place, when the side moves its troops: there the need for troops, and "
        "what it would cost to leave, count (1 + this) times for the militia's units. Local forces keep to their "
        "town while an enemy could reach it and come back to it when one can, and go where the side needs them "
        "when it is safe. At 0 (the default) every unit goes wherever the side's need is greatest; units of no "
        "militia, or of one with no home, are not moved by it.",
    )
    massing: float = Field(
        2000.0, ge=100.0, le=1_000_000.0,
        description="Fighting strength (strength × quality) a side gathers at a staging post next to a place it "
        "means to take before the pull to send more there halves. Small: it spreads its troops along the front and "
        "attacks with what is at hand; large: it masses them for one assault on the prize, leaving quieter places "
        "thinner.",
    )


class VictoryKind(str, Enum):
    capture = "capture"
    collapse = "collapse"
    survive = "survive"
    points = "points"


class Victory(Strict):
    kind: VictoryKind = Field(
        description="`capture`: hold all `places` for `hold_turns`; `collapse`: an enemy's cohesion or "
        "strength falls to zero; `survive`: still hold all `places` after the last turn; `points`: reach "
        "`points` victory points."
    )
    places: list[Id] = Field(default_factory=list, description="Places the condition is about (capture and survive).")
    hold_turns: int = Field(1, ge=1, le=100, description="Turns all places must be held in a row (capture).")
    points: int = Field(0, ge=0, description="Victory points needed (points).")
    note: str = Field("", max_length=300, description="How the verdict reads when this condition is met.")


class Faction(Strict):
    name: str = Field(min_length=1, max_length=80, description="Full name.")
    short: str = Field(min_length=1, max_length=12, description="Abbreviation for counters and tables.")
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$", description="Map colour, #RRGGBB.")
    leader: str = Field("", max_length=80, description="Leader's name, for panels.")
    playable: bool = Field(True, description="Whether a player may take this side.")
    enemies: list[Id] = Field(
        default_factory=list,
        description="Factions it fights. A faction that no one plays may fight no one: a third party such as "
        "peacekeepers or observers, holding places the sides may not attack (unless one lists it among its own "
        "enemies) nor march or supply through.",
    )
    treasury: Money = Field(description="Money at the start.")
    manpower: int = Field(ge=0, le=10_000_000, description="Recruits available at the start.")
    manpower_per_turn: int = Field(0, ge=0, le=1_000_000, description="Recruits gained each turn.")
    stocks: dict[Id, Stock] = Field(default_factory=dict, description="Munitions it holds at the start, by munition id.")
    stocks_per_turn: dict[Id, Stock] = Field(
        default_factory=dict, description="Munitions it makes or buys itself each turn, by munition id."
    )
    legitimacy: Percent = Field(description="Standing at home and abroad, 0-100.")
    cohesion: Percent = Field(description="How well its coalition holds together, 0-100.")
    income: Income = Field(default_factory=Income, description="Money earned each turn besides oil.")
    home_regions: list[Id] = Field(
        default_factory=list, description="Regions whose held places always count as supply sources."
    )
    recruits: list[Id] = Field(default_factory=list, description="Unit types it may raise itself.")
    militias: dict[Id, Militia] = Field(default_factory=dict, description="Groups in its coalition, by id; units may belong to one.")
    personality: Personality = Field(default_factory=Personality, description="Weights the AI uses when playing this faction.")
    victory: list[Victory] = Field(
        default_factory=list,
        description="Ways this faction can win; any one suffices. A third party that no one plays may have none, "
        "and the lab then does not count it among the outcomes.",
    )
    source: SourceRef = None


# --------------------------------------------------------------------------- backers


class PackageKind(str, Enum):
    money = "money"
    materiel = "materiel"
    drones = "drones"
    air_defence = "air_defence"
    volunteers = "volunteers"
    expeditionary = "expeditionary"
    advisers = "advisers"
    jets = "jets"
    diplomatic = "diplomatic"


class Package(Strict):
    name: str = Field(min_length=1, max_length=80, description="Name shown in the backer panel.")
    kind: PackageKind = Field(
        description="`volunteers` stay under the backer's command (e.g. Wagner); `expeditionary` fighters "
        "are commanded by the client (e.g. Syrian recruits)."
    )
    cost: Money = Field(0.0, description="What one delivery costs the backer.")
    client_cost: Money = Field(0.0, description="What the client pays per delivery (e.g. mercenary wages up front).")
    delay: int = Field(1, ge=0, le=52, description="Turns between the decision and arrival.")
    cap: int = Field(1, ge=0, le=1000, description="Deliveries possible over the whole game.")
    min_commitment: Percent = Field(0.0, description="Backer commitment needed before it will send this.")
    available_from: dt.date | None = Field(None, description="Not before this date.")
    locked: bool = Field(False, description="Needs an `unlock_package` effect (e.g. a signed treaty) first.")
    exposure: float = Field(
        0.0, ge=0.0, le=100.0, description="International pressure (commitment points lost) per delivery."
    )
    escalation: float = Field(
        0.0, ge=0.0, le=100.0, description="Commitment that rival backers gain per delivery."
    )
    duration: int = Field(
        0, ge=0, le=1000, description="Turns the delivered units stay before going home (0: they stay for good)."
    )
    deliver_to: Id | None = Field(None, description="Place it arrives at; default: the client's best port/airbase.")
    units: list["PackageUnits"] = Field(default_factory=list, description="Units delivered.")
    money: Money = Field(0.0, description="Money given to the client.")
    stocks: dict[Id, Stock] = Field(
        default_factory=dict, description="Munitions added to the client's stocks when it arrives, by munition id."
    )
    legitimacy: float = Field(0.0, ge=-100, le=100, description="Client legitimacy change (e.g. UN cover).")
    cohesion: float = Field(0.0, ge=-100, le=100, description="Client cohesion change.")
    quality_bonus: float = Field(
        0.0, ge=0.0, le=2.0, description="Advisers: added to the quality of the client's units for the game."
    )
    source: SourceRef = None


class PackageUnits(Strict):
    type: Id
    count: int = Field(1, ge=1, le=100, description="How many units of the type.")
    strength: int | None = Field(None, ge=1, le=100_000, description="Strength of each; default: the type's.")


class RedLine(Strict):
    when: Condition = Field(description="The condition that crosses the line.")
    commitment: float = Field(0.0, ge=0, le=100, description="Commitment gained at once.")
    effects: list[Effect] = Field(default_factory=list, description="What the intervention does.")
    note: str = Field("", max_length=300, description="How the intervention reads in the log.")


class BackerScore(Strict):
    """How a backer played from a seat is scored at the end: its interests as points.
    The parts are added, so a player can see what each was worth."""

    outcome: float = Field(50.0, ge=0, le=1000, description="Points if its client wins; as many lost if its client "
                           "loses; none for a draw.")
    ground: float = Field(30.0, ge=0, le=1000, description="Points for its client holding every victory point's "
                          "place at the end, in proportion to the share it holds.")
    money: float = Field(10.0, ge=0, le=1000, description="Points lost for spending its whole budget (the start's "
                         "and every turn's), in proportion to the share spent.")
    exposure: float = Field(1.0, ge=0, le=100, description="Points lost per point of exposure its packages drew.")


class Backer(Strict):
    name: str = Field(min_length=1, max_length=80, description="Name shown in panels.")
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$", description="Colour for its deliveries and panel, #RRGGBB.")
    supports: Id = Field(description="Client faction.")
    commitment: Percent = Field(description="Willingness to help at the start, 0-100.")
    budget: Money = Field(description="Money it can spend on the war at the start.")
    budget_per_turn: Money = Field(0.0, description="Money added to the budget each turn.")
    interests: list[str] = Field(default_factory=list, description="What it wants; shown to players.")
    rivals: list[Id] = Field(default_factory=list, description="Backers whose escalation it answers.")
    responsiveness: Fraction = Field(0.5, description="How strongly commitment rises when the client is in danger.")
    pressure_sensitivity: Fraction = Field(0.5, description="How strongly exposure and losses wear it down.")
    risk_tolerance: Fraction = Field(0.5, description="How readily it sends escalatory packages.")
    red_lines: list[RedLine] = Field(default_factory=list, description="Conditions that make it intervene at once.")
    packages: dict[Id, Package] = Field(default_factory=dict, description="What it can send, by id.")
    score: BackerScore = Field(default_factory=BackerScore, description="How it is scored when a person plays it.")
    source: SourceRef = None


# --------------------------------------------------------------------------- events


class Option(Strict):
    label: str = Field(min_length=1, max_length=120, description="Text on the choice button.")
    effects: list[Effect] = Field(default_factory=list, description="What choosing it does.")
    note: str = Field("", max_length=500, description="Consequences spelled out for the player.")


class Choice(Strict):
    faction: Id = Field(description="Faction that decides.")
    prompt: str = Field(min_length=1, max_length=500, description="The question put to the deciding faction.")
    options: dict[Id, Option] = Field(min_length=2, description="The answers, by id.")
    default: Id = Field(description="Option taken if the faction does not answer (and the AI's fallback).")


class Event(Strict):
    name: str = Field(min_length=1, max_length=120, description="Headline shown in the log.")
    text: str = Field("", max_length=2000, description="What happened, in the project's words.")
    date_from: dt.date | None = Field(None, description="Earliest date it can fire.")
    date_to: dt.date | None = Field(None, description="Latest date it can fire.")
    when: Condition | None = Field(None, description="State condition that must hold.")
    probability: Fraction = Field(1.0, description="Chance per turn once the window and condition hold.")
    repeat: bool = Field(False, description="Whether it can fire more than once.")
    effects: list[Effect] = Field(default_factory=list, description="What happens when it fires (before any choice).")
    choice: Choice | None = Field(None, description="A decision the event puts to a faction.")
    historical: bool = Field(True, description="False for what-if events that did not happen.")
    source: SourceRef = None

    @model_validator(mode="after")
    def _window(self) -> "Event":
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


# --------------------------------------------------------------------------- rules


TERRAIN_DEFENCE = {Terrain.open: 1.0, Terrain.urban: 2.2, Terrain.mountain: 1.7, Terrain.desert: 0.9}
ROUTE_FACTOR = {RouteKind.highway: 1.0, RouteKind.road: 1.25, RouteKind.track: 1.8, RouteKind.desert: 2.2,
                RouteKind.mountain_pass: 2.5, RouteKind.crossing: 2.0}


class CombatRules(Strict):
    terrain_defence: dict[Terrain, float] = Field(
        default_factory=lambda: dict(TERRAIN_DEFENCE),
        description="Defender multiplier by terrain; terrains left out keep their defaults.",
    )
    loss_rate: float = Field(0.12, gt=0, le=1, description="Base share of strength lost per battle.")
    rout_ratio: float = Field(3.0, ge=1, le=20, description="Power ratio beyond which the loser routs.")
    out_of_supply: float = Field(0.6, gt=0, le=1, description="Combat multiplier when out of supply.")
    artillery_support: float = Field(0.25, ge=0, le=5, description="Bonus per artillery unit's share of the fight.")
    air_support: float = Field(0.3, ge=0, le=5, description="Bonus for unopposed air cover over the battle.")
    noise: float = Field(0.25, ge=0, le=1, description="Spread of the random factor in battle.")

    @field_validator("terrain_defence")
    @classmethod
    def _fill_terrain(cls, v: dict) -> dict:
        return {**TERRAIN_DEFENCE, **v}
    morale_floor: Fraction = Field(
        0.6, description="Combat multiplier of a side at zero cohesion; full cohesion gives 1."
    )
    artillery_full_share: float = Field(
        0.33, gt=0, le=1, description="Share of a force in artillery that earns the whole artillery bonus."
    )
    max_loss: Fraction = Field(0.9, description="Most of its strength a side can lose in one battle.")
    rout_loss: Fraction = Field(0.3, description="Extra share of strength a routed defender loses.")
    battle_harm: float = Field(
        0.5, ge=0, le=100, description="Civilian harm of a battle in a populated place, relative to one strike."
    )
    artillery_harm: float = Field(1.5, ge=1, le=10, description="Harm multiplier when the attacker brings artillery.")
    home_guard: float = Field(
        0.0, ge=0, le=100,
        description="Armed locals per 1,000 inhabitants who defend a place for the side holding it at the start. "
        "They never move, are worn down by assaults and are gone once the place falls.",
    )
    home_guard_max: int = Field(
        0, ge=0, le=100_000,
        description="The most armed locals `home_guard` gives any one place; 0 sets no limit. A town's men take up "
        "arms for their streets in proportion to its people, but a big city's armed men join militias that are "
        "units of their own, so its home guard stops growing with its size.",
    )
    siege_loss: Fraction = Field(
        0.0,
        description="Share of a place's armed locals lost each round while enemy ground forces stand next to it, "
        "scaled by the besieger's command of the air over it (1 - the defenders' chance to intercept a strike; "
        "0 if none of the besieger's drones can reach it).",
    )
    siege_numbers: bool = Field(
        False,
        description="A siege wears a place down only as far as the besiegers' numbers reach: `siege_loss` is "
        "scaled by the besieging side's ground strength at the gates over the defenders' (the place's armed "
        "locals and its holder's ground forces there), at most 1. A few hundred men next to a city of thousands "
        "under arms cannot cut it off.",
    )
    siege_km: float = Field(
        0.0, ge=0, le=10_000,
        description="Road km (after `route_factor`) within which ground forces stand at a place's gates and so "
        "can besiege it; 0 sets no limit beyond the road's being next to it (and, with `attack_within_march`, "
        "a week's march). A brigade camped a long day's drive away cannot keep a town's men from coming and going.",
    )


class SupplyRules(Strict):
    attrition: Fraction = Field(0.08, description="Share of strength lost per turn out of supply.")
    max_km: float = Field(1200.0, gt=0, le=10000, description="Longest supply line from a source.")
    unit_floor: Fraction = Field(
        0.05, description="A unit worn below this share of full strength is lost (by any cause)."
    )
    through_neutral: bool = Field(
        False,
        description="Supply passes through neutral places (a town that sides with nobody but lets traffic through), "
        "as through a side's own; a neutral place is never a source, nor itself supplied. When a side takes it, "
        "every other side's supply through it is cut.",
    )


class MovementRules(Strict):
    route_factor: dict[RouteKind, float] = Field(
        default_factory=lambda: dict(ROUTE_FACTOR),
        description="Effective km per km of road, by road class; classes left out keep their defaults.",
    )
    attack_within_march: bool = Field(
        False,
        description="Ground units attack only along a road they could march in one turn (its effective length "
        "within their `speed_km`); those that could not stay behind. Off, an attack goes along a road of any length.",
    )
    one_road_a_turn: bool = Field(
        False,
        description="A ground unit may always march along one road to a neighbouring place its side holds, however "
        "long, so that a hub whose every road is longer than a week's march is not a dead end.",
    )

    @field_validator("route_factor")
    @classmethod
    def _fill_routes(cls, v: dict) -> dict:
        return {**ROUTE_FACTOR, **v}


class EconomyRules(Strict):
    oil_price_usd: float = Field(60.0, gt=0, le=1000, description="Dollars per barrel.")
    state_share: Fraction = Field(0.5, description="Share of oil revenue that reaches the war chest.")
    blockade_legitimacy: float = Field(2.0, ge=0, le=100, description="Legitimacy lost per turn of blockade.")
    unpaid_desertion: Fraction = Field(0.05, description="Share of strength that leaves each turn the treasury is empty.")
    unpaid_cohesion: float = Field(3.0, ge=0, le=100, description="Cohesion lost each turn the treasury is empty.")
    min_recruit_population: int = Field(
        20_000, ge=0, le=10_000_000, description="Smallest population a place needs to raise units in."
    )
    recruits_per_1000: float = Field(
        0.0, ge=0, le=1000,
        description="Recruits a place can give in one turn per 1,000 inhabitants: once the units raised there this "
        "turn have drawn that many from the manpower pool, it raises no more until the next. A town of 50,000 at 20 "
        "gives one unit of 1,000 a week; a city of a million, twenty. 0 sets no limit.",
    )


class PoliticsRules(Strict):
    harm_per_strike: float = Field(2.0, ge=0, le=1000, description="Civilians harmed per strike per 100k people.")
    harm_legitimacy: float = Field(0.05, ge=0, le=100, description="Legitimacy lost per civilian harmed.")
    cohesion_per_loss: float = Field(2.0, ge=0, le=100, description="Cohesion lost per lost place or rout.")
    cohesion_per_point: float = Field(
        0.0, ge=0, le=100, description="Extra cohesion lost per victory point of a lost place, so big losses hurt more."
    )
    cohesion_gain_share: Fraction = Field(
        0.0, description="Share of the cohesion a loser gives up that the side taking the place gains (up to 100)."
    )
    defection_below: Percent = Field(30.0, description="Cohesion under which militias start to leave.")
    cohesion_recovery: float = Field(
        0.5, ge=0, le=100, description="Cohesion regained in a turn without losses, up to the starting value."
    )
    occupation_garrison: float = Field(
        0.0, ge=0, le=1000,
        description="Fighters per 1,000 inhabitants a side must keep in a town whose people first sided with its "
        "enemy, or with nobody. Each round a town held with less rises with a chance equal to the shortfall's "
        "share, goes back to the side it first chose (or to nobody) and gets back `uprising_locals` of its first "
        "armed locals. 0 turns uprisings off.",
    )
    uprising_locals: Fraction = Field(
        0.5, description="Share of its first armed locals a town that rises against an occupier gets back."
    )
    neutral_attack_legitimacy: float = Field(
        0.0, ge=0, le=100,
        description="Legitimacy a side loses each time it attacks a place that sides with nobody: the town's people "
        "and their kin elsewhere hold it against the attacker, and the world sees a war widened. Buying a town's "
        "allegiance costs nothing of the kind. 0 turns it off.",
    )
    cohesion_per_strike: float = Field(
        0.0, ge=0, le=100,
        description="Cohesion a side loses at the end of each round for each enemy strike that got through to its "
        "troops or air defence beyond the strikes of its own that got through: a coalition bombed week after week "
        "that cannot answer frays, and one that strikes back as often holds. 0 turns it off.",
    )


class AirRules(Strict):
    drone_loss_on_intercept: Fraction = Field(0.25, description="Share of a drone unit lost per interception.")
    hunt_bonus: float = Field(1.5, ge=0, le=10, description="Strike multiplier against air defence.")
    max_strike_share: Fraction = Field(0.5, description="Most of the forces at a place one strike can destroy.")
    cover: float = Field(
        0.0,
        ge=0,
        le=3,
        description="How far troops shelter from strikes behind their ground: a strike on troops does its damage "
        "divided by the place's defence (its terrain's `combat.terrain_defence`, lifted by its works) to this power. "
        "0 (the default): the ground makes no difference; at 1, troops in a city (2.2) lose under half what they "
        "would in the open, and troops in the desert (0.9) a little more.",
    )
    strike_harm: float = Field(
        0.3, ge=0, le=10, description="Civilian harm of a strike on air defence or roads, relative to one on troops."
    )


class BackerRules(Strict):
    danger_gain: float = Field(4.0, ge=0, le=100, description="Commitment gained per turn when the client is in danger.")
    decay: float = Field(0.5, ge=0, le=100, description="Commitment lost per turn.")
    request_gain: float = Field(3.0, ge=0, le=100, description="Commitment gained when the client asks and is refused.")
    request_bonus: float = Field(
        10.0, ge=0, le=100,
        description="A request is granted with a chance of (commitment + this) percent.",
    )
    send_chance: Fraction = Field(
        0.4, description="Chance per turn, at full commitment, that a backer sends a package unasked."
    )
    pressure_legitimacy: Percent = Field(
        30.0, description="Client legitimacy below which standing by it costs the backer commitment."
    )
    pressure_rate: float = Field(
        2.0, ge=0, le=100, description="Commitment lost per turn at zero client legitimacy (scaled by sensitivity)."
    )
    danger_points_share: Fraction = Field(
        0.5, description="A client is in danger when enemies border a place worth this share of the best place's points."
    )


class FortificationRules(Strict):
    defence_per_level: float = Field(
        0.25, ge=0, le=5,
        description="What each level of works adds to the defence of a place: at 0.25, level 2 defends ×1.5 "
        "(on top of the ground). Armed locals behind the works gain as much as the troops.",
    )
    max_level: int = Field(3, ge=0, le=10, description="Most levels of works a place can have.")
    build_cost: Money | None = Field(
        None,
        description="Money a faction pays to add one level of works to a place it holds (the `Fortify` order). "
        "Leave it out and no faction can build: only the scenario's starting works and its events' stand.",
    )
    build_turns: int = Field(
        2, ge=1, le=52,
        description="Turns one level takes: ordered on turn t, it stands from the end of turn t + build_turns - 1. "
        "The work is lost if the place changes hands first. One level at a time in a place.",
    )
    wear_per_strike: float = Field(
        0.2, ge=0, le=10, description="Levels a drone or air strike on troops or air defence there knocks down."
    )
    wear_per_bombardment: float = Field(
        0.5, ge=0, le=10, description="Levels an assault knocks down when the attackers bring artillery."
    )
    kept_on_capture: Fraction = Field(
        0.5, description="Share of its works a place keeps when it changes hands: they were built to face the other way."
    )


class TruceRules(Strict):
    pauses_victory: bool = Field(
        False,
        description="While a truce holds, no side can win: the turns a capture condition counts stand still, and the "
        "other conditions wait until it ends. The last turn still ends the war. Off: victory is checked as always.",
    )
    breakable: bool = Field(
        False,
        description="A faction may break a truce that holds (the `BreakTruce` order) and fight on at once; it pays "
        "what the two fields below say. Off: a truce holds for all its turns.",
    )
    break_legitimacy: float = Field(10.0, ge=0, le=100, description="Legitimacy the side that breaks a truce loses.")
    break_commitment: float = Field(
        5.0, ge=0, le=100,
        description="Commitment each backer of the side that breaks a truce loses; the truce's broker, if it backs "
        "another side, gains as much.",
    )


class Rules(Strict):
    combat: CombatRules = Field(default_factory=CombatRules, description="Ground combat constants.")
    supply: SupplyRules = Field(default_factory=SupplyRules, description="Supply constants.")
    movement: MovementRules = Field(default_factory=MovementRules, description="Movement constants.")
    economy: EconomyRules = Field(default_factory=EconomyRules, description="Oil and money constants.")
    politics: PoliticsRules = Field(default_factory=PoliticsRules, description="Legitimacy, cohesion and civilian-harm constants.")
    air: AirRules = Field(default_factory=AirRules, description="Drone and air-defence constants.")
    backers: BackerRules = Field(default_factory=BackerRules, description="How backers' commitment moves.")
    fortification: FortificationRules = Field(
        default_factory=FortificationRules, description="Prepared defences: what they add, what they cost, what wears them."
    )
    truce: TruceRules = Field(default_factory=TruceRules, description="What a truce does, and whether it can be broken.")
    embargo: Fraction = Field(0.0, description="Chance a foreign delivery is interdicted at the start.")


# --------------------------------------------------------------------------- scenario


class Munition(Strict):
    name: str = Field(min_length=1, max_length=80, description="What it is, e.g. 'Loitering munitions'.")
    note: str | None = Field(
        None, max_length=300,
        description="What one stands for. The figures' sources go with the figures: the faction's or package's own.",
    )


class Variable(Strict):
    name: str = Field(min_length=1, max_length=80, description="What it counts, in words.")
    start: int = Field(0, ge=-1_000_000, le=1_000_000, description="Its value when the war starts.")
    note: str | None = Field(None, max_length=300, description="Why the scenario keeps it.")


class Scenario(Strict):
    """A whole scenario. `extends` is resolved by the loader before validation."""

    meta: Meta = Field(description="Title, dates, turn length, map bounds and sources.")
    map: MapSpec = Field(description="Places, routes and the outline map.")
    factions: dict[Id, Faction] = Field(min_length=2, description="The sides that fight, by id.")
    backers: dict[Id, Backer] = Field(default_factory=dict, description="Foreign states and groups that send support, by id.")
    unit_types: dict[Id, UnitType] = Field(min_length=1, description="Kinds of unit, by id.")
    units: list[Unit] = Field(default_factory=list, description="Forces on the map at the start.")
    events: dict[Id, Event] = Field(default_factory=dict, description="Historical and conditional events, by id.")
    munitions: dict[Id, Munition] = Field(
        default_factory=dict,
        description="Stocks that strikes use up (loitering munitions, missiles, shells): a unit type names the one it "
        "fires, factions start with and make some, and packages bring more.",
    )
    economies: dict[Id, Economy] = Field(
        default_factory=dict,
        description="Where oil money goes: revenue streams by region, each paid to the holder of its central bank "
        "or to whoever holds each field. Every place with `oil_bpd` must belong to one; a war with a single "
        "treasury needs one economy with `everywhere_else: true`, and a war without oil none.",
    )
    variables: dict[Id, Variable] = Field(
        default_factory=dict,
        description="Whole-number counters that the events' `variable` effects change and their `variable` "
        "conditions read: rounds of talks held, massacres reported, ultimatums ignored.",
    )
    rules: Rules = Field(default_factory=Rules, description="Rule constants; every one has a default.")

    @field_validator("factions")
    @classmethod
    def _two_sides(cls, v: dict[str, Faction]) -> dict[str, Faction]:
        if not any(f.playable for f in v.values()):
            raise ValueError("at least one faction must be playable")
        return v

    def effects(self):
        """Every effect the scenario can apply, with its path in the file: the events',
        their options', and the backers' red lines'."""
        for eid, ev in self.events.items():
            for i, eff in enumerate(ev.effects):
                yield ("events", eid, "effects", i), eff
            for oid, opt in (ev.choice.options.items() if ev.choice else ()):
                for i, eff in enumerate(opt.effects):
                    yield ("events", eid, "choice", "options", oid, "effects", i), eff
        for bid, bk in self.backers.items():
            for j, line in enumerate(bk.red_lines):
                for i, eff in enumerate(line.effects):
                    yield ("backers", bid, "red_lines", j, "effects", i), eff

    def outcomes(self) -> list[str]:
        """What a game of this war can end in, as the lab counts it: the win of a faction
        that has ways to win, a settlement (only where an effect can bring one) or a draw."""
        settles = any(isinstance(eff, SettleEffect) for _, eff in self.effects())
        sides = [fid for fid, f in self.factions.items() if f.victory]
        return [*sides, *(["settlement"] if settles else []), "draw"]


for _m in (AllCond, AnyCond, NotCond, Package, RedLine):
    _m.model_rebuild()
