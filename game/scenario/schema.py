"""JSON Schema export and the Markdown reference generated from it."""

from __future__ import annotations

import json
from typing import Any

from .model import Scenario
from .targets import Targets
from .upgrade import CURRENT, STEPS
from .tutorial import Tutorial

SCHEMA_ID = "https://sandtable.invalid/scenario.schema.json"
TARGETS_SCHEMA_ID = "https://sandtable.invalid/targets.schema.json"


def json_schema() -> dict:
    schema = Scenario.model_json_schema(mode="validation")
    # `extends` is consumed by the loader before validation, so the model has no
    # field for it; editors still need to accept it.
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "Path of a base scenario this one builds on; mappings merge key by key, "
        "anything else replaces the base value.",
    }
    schema["properties"]["remove"] = {
        "type": "array",
        "items": {"type": "string"},
        "description": "Entries of the base scenario to leave out, as dotted paths (`events.truce`, "
        "`map.places.gharyan`, `backers.uae.packages.drones`); an entry removed and given again is replaced "
        "whole instead of merged. Only with `extends`.",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def targets_schema() -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": TARGETS_SCHEMA_ID,
            **Targets.model_json_schema(mode="validation")}


def tutorial_schema() -> dict:
    return Tutorial.model_json_schema(mode="validation")


def targets_schema_text() -> str:
    return json.dumps(targets_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def _type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    if "anyOf" in prop:
        return " or ".join(_type_of(p) for p in prop["anyOf"])
    if "oneOf" in prop:
        return " or ".join(_type_of(p) for p in prop["oneOf"])
    t = prop.get("type", "any")
    if t == "array":
        return f"list of {_type_of(prop.get('items', {}))}"
    if t == "object":
        values = prop.get("additionalProperties") or next(iter(prop.get("patternProperties", {}).values()), None)
        if isinstance(values, dict):
            return f"map of id → {_type_of(values)}"
    if prop.get("format") == "date":
        return "date"
    return str(t)


# Short examples for the reference, each a file that extends another (a test loads each
# over a small scenario): the rules a war must switch on, and removal in `extends`.
EXAMPLES = (
    ("Works: prepared defences a side digs over weeks",
     "Each side may pay 20M for a level of works at a place it holds; it stands two turns later. The capital "
     "starts dug in. Strikes and assaults with artillery wear works down.",
     "extends: base.yaml\nrules:\n  fortification: {build_cost: 20, build_turns: 2, defence_per_level: 0.25}\n"
     "map:\n  places:\n    capital: {fortification: 2}\nevents:\n  engineers:\n    name: Engineers arrive\n"
     "    date_from: 2020-02-01\n    effects:\n      - {effect: fortify, place: hub, delta: 1}\n"),
    ("A town's share of recruits",
     "A place raises at most 20 recruits a turn per 1,000 of its people: a town of 50,000 gives one unit of "
     "1,000 a week.",
     "extends: base.yaml\nrules:\n  economy: {recruits_per_1000: 20}\n"),
    ("Neutral towns",
     "Supply passes through towns that side with nobody, and attacking one costs the attacker 3 points of "
     "legitimacy.",
     "extends: base.yaml\nrules:\n  supply: {through_neutral: true}\n  politics: {neutral_attack_legitimacy: 3}\n"),
    ("Rates per day",
     "A war of three-day turns whose rates are written per day: each loads as three days' worth (the "
     "upkeep tripled, the attrition compounded over three days).",
     "extends: base.yaml\nmeta: {days_per_turn: 3, rates: day}\nrules:\n  supply: {attrition: 0.01}\n"
     "unit_types:\n  militia: {upkeep: 0.1}\n"),
    ("Two economies: a country's own fields, and a national treasury",
     "The east's fields pay whoever holds each (take one and its oil is yours), at $70 a barrel, and 80% of it "
     "reaches the war chests. Every other field feeds the base's national treasury (its economy `national`, "
     "which takes `everywhere_else`), paid to whoever holds the central bank. A war without oil needs no "
     "`economies` at all.",
     "extends: base.yaml\nmap:\n  places:\n    east: {region: cyrenaica}\n    field: {region: cyrenaica}\n"
     "economies:\n  eastern_oil:\n    name: Eastern fields\n    regions: [cyrenaica]\n    paid_to: holder\n"
     "    price_usd: 70\n    state_share: 0.8\n"),
    ("Munitions that strikes use up",
     "The patron now backs Red, and the drones it sends fire loitering munitions that Red must count: 20 at "
     "the start, 4 more made each turn, and 30 in each shipment. Each strike spends one, shot down or not; with "
     "none left the drones stay on the ground. The lab's turns.csv counts each side's stocks turn by turn.",
     "extends: base.yaml\nmunitions:\n  loitering: {name: Loitering munitions}\nunit_types:\n"
     "  drone: {munition: loitering}\nfactions:\n  red:\n    stocks: {loitering: 20}\n"
     "    stocks_per_turn: {loitering: 4}\nbackers:\n  patron:\n    supports: red\n    packages:\n"
     "      loitering: {name: Loitering munitions, kind: materiel, cost: 10, delay: 2, cap: 5, "
     "stocks: {loitering: 30}}\n"),
    ("A pass shut by snow, a height over a road, and a bridge blown",
     "The road from the capital to the hub crosses a pass that snow shuts from December to February (by the date "
     "a turn starts): no march, supply or attack goes along it then. The hub stands above it, so an attack up the "
     "road on the hub meets twice the defence (`defence` and `height`; without `height` both ways would). When "
     "Red holds the village, it blows the bridge on the village road until an event opens it again with "
     "`open: true`.",
     "extends: base.yaml\nmap:\n  routes:\n    - {a: capital, b: hub, kind: highway, km: 90, closed_months: [12, 1, 2],\n"
     "       defence: 2.0, height: hub}\n"
     "    - {a: hub, b: east, kind: road, km: 900}\n    - {a: hub, b: field, kind: track, km: 500}\n"
     "    - {a: capital, b: village, kind: road, km: 80}\n    - {a: village, b: east, kind: road, km: 850}\n"
     "events:\n  bridge:\n    name: The bridge is blown\n    when: {test: owns, faction: red, place: village}\n"
     "    effects:\n      - {effect: route, a: capital, b: village, open: false}\n"),
    ("A third party: observers in a buffer zone",
     "Observers whom nobody plays and who fight no one (`playable: false`, no `enemies`, no `victory`; with no "
     "aggression, the AI that moves them takes nothing). When Red "
     "takes the village, the patron brokers a buffer: the village passes to the observers, whom no side may attack, "
     "march through or supply through, except a side that lists them among its `enemies`: Red does, and any "
     "fighter they lose costs it 15 legitimacy. The lab leaves a side with no way to win out of the outcomes.",
     "extends: base.yaml\nfactions:\n  red:\n    enemies: [blue, observers]\n  observers:\n    name: Ceasefire observers\n    short: OBS\n"
     "    colour: \"#5b92e5\"\n    playable: false\n    treasury: 0\n    manpower: 0\n    legitimacy: 90\n"
     "    cohesion: 100\n    personality: {aggression: 0}\nevents:\n  buffer:\n    name: A buffer zone\n"
     "    when: {test: owns, faction: red, place: village}\n    effects:\n"
     "      - {effect: set_owner, place: village, faction: observers}\n"
     "      - {effect: spawn_units, faction: observers, place: village, type: militia, strength: 300}\n"
     "  fired_on:\n    name: Observers come under fire\n"
     "    when: {test: losses, faction: observers, at_least: 1}\n    effects:\n"
     "      - {effect: legitimacy, faction: red, delta: -15}\n"),
    ("Truces, a broker, and a war that ends in a settlement",
     "The patron brokers a four-week truce in February. While it holds no side can win, and either may break "
     "it at the price of 10 legitimacy and 5 points of each of its backers' commitment (the broker, if it backs "
     "the other side, gains as much). In March Red is offered terms: signing ends the war with no winner, Blue "
     "getting 60% and Red 40%. Leave `shares` out and each side keeps its share of the map's victory points. "
     "The lab counts such games as `settlement`, beside each side's wins and `draw`.",
     "extends: base.yaml\nrules:\n  truce: {pauses_victory: true, breakable: true, break_legitimacy: 10, "
     "break_commitment: 5}\nevents:\n  talks:\n    name: The patron brokers talks\n    date_from: 2020-02-01\n"
     "    date_to: 2020-02-07\n    effects:\n      - {effect: truce, turns: 4, broker: patron}\n  terms:\n"
     "    name: Terms on the table\n    date_from: 2020-03-01\n    date_to: 2020-03-07\n    choice:\n"
     "      faction: red\n      prompt: Sign the terms the patron drafted?\n      default: fight\n"
     "      options:\n        sign:\n          label: Sign\n          effects:\n"
     "            - {effect: settle, note: \"Red keeps the east, Blue the capital\", shares: {blue: 0.6, red: 0.4}}\n"
     "        fight:\n          label: Fight on\n          effects:\n"
     "            - {effect: legitimacy, faction: red, delta: -5}\n"),
    ("Counters, and conditions that count what happened",
     "A counter of outrages reported abroad: once five of Red's strikes have got through at the capital, each "
     "turn adds one, up to three, and at three the patron's commitment jumps by 20. Other counts a "
     "condition can read: `sent` and `delivered` (how many times a backer has sent a package, and how many of "
     "those arrived), `harm` (civilians harmed at a place, in a region or anywhere), `losses` (fighters a side has "
     "lost in battle, to strikes and under siege), each with `at_least`, `at_most` or both.",
     "extends: base.yaml\nvariables:\n  outrage: {name: Outrages reported abroad, start: 0}\nevents:\n"
     "  reported:\n    name: Another outrage is reported\n    repeat: true\n    when:\n      test: all\n"
     "      of:\n        - {test: struck, place: capital, by: red, at_least: 5}\n"
     "        - {test: variable, variable: outrage, at_most: 2}\n    effects:\n"
     "      - {effect: variable, variable: outrage, add: 1}\n  pressure:\n    name: The patron is pressed to act\n"
     "    when: {test: variable, variable: outrage, at_least: 3}\n    effects:\n"
     "      - {effect: commitment, backer: patron, delta: 20}\n"),
    ("A variant that leaves things out",
     "Without the base file's windfall event, and with its village given again from scratch instead of "
     "merged field by field.",
     "extends: base.yaml\nremove: [events.windfall, map.places.village]\nmap:\n  places:\n"
     "    village: {name: Ruined village, lat: 32.5, lon: 14.0, kind: town}\n"),
)


def reference_markdown() -> str:
    """The scenario format reference, generated so it cannot drift from the schema."""
    schema = json_schema()
    out = [
        "# Scenario format reference",
        "",
        "<!-- Generated by `sandtable schema --reference`; do not edit by hand. A test checks it is current. -->",
        "",
        "A scenario is one YAML file. Every key is listed below with its type, default and meaning.",
        "Unknown keys are errors. Money is in millions of US dollars, strength in fighters, distances in km.",
        "Ids are lower-case (`[a-z][a-z0-9_]*`). Conditions are chosen by their `test` key and effects by",
        "their `effect` key.",
        "",
        "## Format versions",
        "",
        f"`meta.format_version` says which version of this format a file is written in; this reference is version",
        f"{CURRENT}. A file of an older version still loads, upgraded as it is read, and plays the same games;",
        "`sandtable upgrade FILE` rewrites it in the current version, keeping its comments, and checks that the",
        "rewritten file loads to the same scenario. A file of a newer version than this Sandtable reads is refused",
        "with a message saying so. What each version changed:",
        "",
        *[f"- **{v} to {v + 1}.** " + " ".join(STEPS[v].__doc__.split()) for v in sorted(STEPS)],
        "",
    ]

    def table(title: str, node: dict) -> None:
        out.append(f"## {title}")
        out.append("")
        if node.get("description"):
            out.append(" ".join(node["description"].split()))
            out.append("")
        props = node.get("properties", {})
        required = set(node.get("required", []))
        out.append("| key | type | default | meaning |")
        out.append("|---|---|---|---|")
        for name, prop in props.items():
            default = "required" if name in required else (
                f"`{json.dumps(prop['default'])}`" if "default" in prop else ""
            )
            desc = " ".join(prop.get("description", "").split()).replace("|", "\\|")
            out.append(f"| `{name}` | {_type_of(prop)} | {default} | {desc} |")
        out.append("")

    def tables(top: str, node: dict) -> None:
        table(top, node)
        defs = node.get("$defs", {})
        for name in sorted(defs):
            if "properties" in defs[name]:
                table(name, defs[name])
            elif "enum" in defs[name]:
                out.append(f"## {name}")
                out.append("")
                out.append("One of: " + ", ".join(f"`{v}`" for v in defs[name]["enum"]))
                out.append("")

    out += ["## Examples", "",
            "Rules that most wars leave off, and a variant that takes things out of the file it extends. Each is a "
            "whole file that extends `base.yaml`.", ""]
    for title, text, yaml_text in EXAMPLES:
        out += [f"### {title}", "", text, "", "```yaml", yaml_text.rstrip("\n"), "```", ""]
    tables("Scenario (top level)", schema)
    out += [
        "# Targets file reference",
        "",
        "A targets file, `NAME.targets.yaml` beside the scenario `NAME.yaml`, states what the record says the",
        "war looked like on dates of its course. `sandtable simulate` counts every game against it and reports",
        "the share of games inside each checkpoint, and inside all of them (the games that look like the war).",
        "Its `measures` state the record's claims about the war's end (who wins, who holds what, when a side",
        "touched bottom, one run measurably below another), each over the scenario as it is or a run of it",
        "without some backers or with other AI levels; `sandtable check-targets NAME.yaml` plays those runs",
        "and says which claims are met, with intervals.",
        "`sandtable validate NAME.targets.yaml` checks it against its scenario. Its schema is",
        "`targets.schema.json`.",
        "",
    ]
    tables("Targets (top level)", targets_schema())
    out += [
        "# Tutorial file reference",
        "",
        "A tutorial file, `NAME.tutorial.yaml` beside the scenario `NAME.yaml`, walks a newcomer through a",
        "seeded game of that scenario, one step at a time; the main menu's Tutorial button plays it. Each step",
        "waits for a *sign* of what the player has really done. `sandtable validate NAME.tutorial.yaml` checks",
        "it against its scenario: the side, and every place a link names.",
        "",
    ]
    tables("Tutorial (top level)", tutorial_schema())
    return "\n".join(out).rstrip() + "\n"
