"""Where a new record lands: the first of a kind in its own section, below the banner that introduces it, with
its keys in schema order."""

from __future__ import annotations

import tomllib

import pytest

from tmtui.document.edit import Document
from tmtui.model import RECORD_TYPES
from tmtui.starter import starter_text

BANNER_1 = [
    "# ---- 1. What are we building? ---------------------------------------------",
    "# Assets are what an attacker wants; components process, store or send them;",
    "# trust boundaries are where the level of trust changes; flows move data.",
]
BANNER_2 = [
    "# ---- 2. What could go wrong? ----------------------------------------------",
    '# Write threats as "<source> <prerequisites> can <action>, which leads to <impact>".',
    "# STRIDE: spoofing | tampering | repudiation | information_disclosure |",
    "#         denial_of_service | elevation_of_privilege",
]
BANNER_3 = [
    "# ---- 3. What are we going to do about it? ---------------------------------",
    "# Mitigations link to the threats they address, many to many.",
]
BANNER_4 = [
    "# ---- 4. How well did we do? -----------------------------------------------",
    "# Record a review from the app's fourth pane after each session.",
]


def between(text: str, first: str, last: str | None) -> list[str]:
    """The lines after the line `first` up to the line `last` (the end of the file when None)."""
    lines = text.split("\n")
    start = lines.index(first) + 1
    end = lines.index(last, start) if last is not None else len(lines)
    return lines[start:end]


def starter_without(kind: str) -> Document:
    """The `tmtui new` model with every record of `kind` deleted, so the next one added is the first."""
    document = Document.from_text(starter_text("Shop"))
    for row in list(document.data.get(kind, [])):
        document.delete_record(row["id"])
    return document


def test_the_first_story_and_assumption_land_in_section_1_above_the_banner_of_section_2():
    document = Document.from_text(starter_text("Shop"))
    document.add_record("stories", {"text": "As a buyer I pay"})
    document.add_record("assumptions", {"text": "TLS ends at the proxy"})
    assert between(document.text(), 'data = ["A1"]', "[[threats]]") == [
        "",
        "[[stories]]",
        'id = "US1"',
        'text = "As a buyer I pay"',
        "",
        "[[assumptions]]",
        'id = "AS1"',
        'text = "TLS ends at the proxy"',
        "",
        *BANNER_2,
        "",
    ]


def test_the_first_review_lands_below_the_banner_of_section_4_at_the_end():
    document = Document.from_text(starter_text("Shop"))
    document.add_record("reviews", {"notes": "went well", "participants": ["ana"]})
    assert between(document.text(), 'ticket = ""', None) == [
        "",
        *BANNER_4,
        "",
        "[[reviews]]",
        'id = "R1"',
        'participants = ["ana"]',
        'notes = "went well"',
        "",
    ]


THREAT_STATUS = 'status = "open"        # open | mitigated | accepted | transferred | avoided | not_applicable'


def new_table(header: str, record_id: str, line: str) -> list[str]:
    return [header, f'id = "{record_id}"', line, ""]


@pytest.mark.parametrize(
    ("kind", "fields", "above", "expected", "below"),
    [
        (
            "assets",
            {"name": "Vault"},
            "owners = []",
            ["", *BANNER_1, "", *new_table("[[assets]]", "A2", 'name = "Vault"')],
            "[[boundaries]]",
        ),
        (
            "boundaries",
            {"name": "VPC"},
            'sensitivity = "high"  # low | medium | high',
            ["", *new_table("[[boundaries]]", "B2", 'name = "VPC"')],
            "[[components]]",
        ),
        (
            "components",
            {"name": "API"},
            'name = "Internet"',
            ["", *new_table("[[components]]", "C3", 'name = "API"')],
            "[[flows]]",
        ),
        (
            "flows",
            {"label": "calls"},
            'assets = ["A1"]',
            ["", *new_table("[[flows]]", "F2", 'label = "calls"')],
            BANNER_2[0],
        ),
        (
            "threats",
            {"title": "Replay"},
            'data = ["A1"]',
            ["", *BANNER_2, "", *new_table("[[threats]]", "T2", 'title = "Replay"')],
            BANNER_3[0],
        ),
        (
            "mitigations",
            {"title": "Nonces"},
            THREAT_STATUS,
            ["", *BANNER_3, "", *new_table("[[mitigations]]", "M2", 'title = "Nonces"')],
            BANNER_4[0],
        ),
    ],
    ids=["assets", "boundaries", "components", "flows", "threats", "mitigations"],
)
def test_the_first_record_of_a_kind_of_the_starter_lands_in_its_section(kind, fields, above, expected, below):
    document = starter_without(kind)
    document.add_record(kind, fields)
    assert between(document.text(), above, below) == expected


@pytest.mark.parametrize("kind", [t.KIND for t in RECORD_TYPES])
def test_adding_the_first_record_of_a_kind_and_deleting_it_gives_back_the_file(kind):
    document = starter_without(kind)
    before = document.text()
    new_id = document.add_record(kind, {"title": "x"} if kind in ("threats", "mitigations") else {})
    document.delete_record(new_id)
    assert document.text() == before


def test_section_banners_stay_when_the_first_records_below_them_are_deleted():
    document = Document.from_text(starter_text("Shop"))
    review = document.add_record("reviews", {"notes": "ok"})
    story = document.add_record("stories", {"text": "As a buyer"})
    document.delete_record(review)
    document.delete_record(story)
    assert document.text() == starter_text("Shop")


SYSTEM_ONLY = '[system]\nname = "Shop"\n'
EVERY_KIND_IN_SCHEMA_ORDER = """[system]
name = "Shop"

[[assets]]
id = "A1"

[[boundaries]]
id = "B1"

[[components]]
id = "C1"

[[flows]]
id = "F1"

[[stories]]
id = "US1"

[[assumptions]]
id = "AS1"

[[threats]]
id = "T1"

[[mitigations]]
id = "M1"

[[reviews]]
id = "R1"
"""


@pytest.mark.parametrize(
    "order",
    [
        [t.KIND for t in RECORD_TYPES],
        [t.KIND for t in reversed(RECORD_TYPES)],
        ["threats", "reviews", "assets", "mitigations", "stories", "flows", "boundaries", "assumptions", "components"],
    ],
    ids=["schema-order", "reversed", "shuffled"],
)
def test_first_records_added_to_a_file_with_only_system_are_laid_out_in_schema_order(order):
    document = Document.from_text(SYSTEM_ONLY)
    for kind in order:
        document.add_record(kind)
    assert document.text() == EVERY_KIND_IN_SCHEMA_ORDER


def test_a_first_record_in_an_empty_file_needs_no_blank_line_above_it():
    document = Document.from_text("")
    document.add_record("threats", {"title": "x"})
    document.add_record("assets", {"name": "y"})
    assert document.text() == '[[assets]]\nid = "A1"\nname = "y"\n\n[[threats]]\nid = "T1"\ntitle = "x"\n'


def test_a_banner_for_an_empty_section_among_others_is_the_one_its_first_record_goes_below():
    text = (
        'schema = 1\n\n[[assets]]\nid = "A1"\nname = "a"\n\n'
        '# ---- Stories ----\n\n# ---- Threats ----\n\n# about T1\n[[threats]]\nid = "T1"\ntitle = "t"\n'
    )
    document = Document.from_text(text)
    document.add_record("stories", {"text": "As a buyer"})
    assert between(document.text(), 'name = "a"', "[[threats]]") == [
        "",
        "# ---- Stories ----",
        "",
        "[[stories]]",
        'id = "US1"',
        'text = "As a buyer"',
        "",
        "# ---- Threats ----",
        "",
        "# about T1",
    ]


def test_a_closing_comment_that_names_no_section_stays_last():
    document = Document.from_text('[system]\nname = "Shop"\n\n# the end\n')
    document.add_record("reviews", {"notes": "ok"})
    assert document.text() == '[system]\nname = "Shop"\n\n[[reviews]]\nid = "R1"\nnotes = "ok"\n\n# the end\n'


def test_the_keys_of_a_new_record_follow_schema_order_and_unknown_keys_come_last():
    document = Document.from_text(starter_text("Shop"))
    new_id = document.add_record(
        "mitigations", {"x-team": "red", "threats": ["T1"], "status": "planned", "title": "Rate limits"}
    )
    lines = between(document.text(), f'id = "{new_id}"', "")
    assert lines == ['title = "Rate limits"', 'threats = ["T1"]', 'status = "planned"', 'x-team = "red"']
    assert tomllib.loads(document.text())["mitigations"][-1]["x-team"] == "red"
