"""The quick first read: where it reads a file at all it reads exactly what tomllib reads, it reads the files
tmtui and most people write, and a document opened with it checks it against tomllib before any edit."""

from __future__ import annotations

import datetime as dt
import tomllib
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmtui.document import edit
from tmtui.document.edit import Document, DocumentError
from tmtui.document.quick import quick_read, same_data
from tmtui.document.source import decode


def agrees_with_tomllib(text: str) -> dict[str, Any] | None:
    """`quick_read(text)`, after checking it gave up or read what tomllib reads."""
    quick = quick_read(text)
    try:
        full = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        assert quick is None, f"read what tomllib refuses: {text!r}"
        return None
    if quick is not None:
        assert same_data(quick, full), f"{text!r}\nquick: {quick!r}\nfull:  {full!r}"
    return quick


# ---- property: whatever it reads, it reads as tomllib does -------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "a", "b", "threats", "x-1"])  # few, so that keys and tables meet again
# characters that end, escape or break strings and comments, or that TOML forbids in them
TRICKY_CHARACTERS = st.sampled_from(['"', "'", "\\", "\t", "\x01", "\x7f", "\x1b", "\r", "é", "#", "[", "=", "n"])
tricky_text = st.lists(st.one_of(TRICKY_CHARACTERS, st.characters(codec="utf-8")), max_size=5).map("".join)


@st.composite
def any_value(draw: st.DrawFn) -> str:
    """The text of a value: of the kinds the quick read reads, written right or nearly right, and of others."""
    inner = draw(st.one_of(st.sampled_from(["", "x", "a b"]), tricky_text))
    return draw(
        st.sampled_from(
            [
                f'"{inner}"',
                f'"{inner}"',
                f"'{inner}'",
                f'"""{inner}"""',
                f'"""\n{inner}\n"""',
                f"'''{inner}'''",
                f"'''\n{inner}'''",
                f'["{inner}"]',
                f'[\n  "a",\n  "{inner}",\n]',
                '["a", "b",]',
                '["a" # note\n]',
                "[1, 2]",
                "[]",
                '""""a""""',
                "'''a''''",
                "0",
                "-0",
                "+7",
                "01",
                "1_000",
                "123456789012345678",
                "1234567890123456789012",
                "1.5",
                "true",
                "True",
                "2026-10-02",
                "2026-02-30",
                "2026-13-01",
                "2026-10-02T10:00:00",
                "2026-10-02 10:00:00",
                "{ a = 1 }",
                inner,
            ]
        )
    )


@st.composite
def any_line(draw: st.DrawFn) -> str:
    name, part = draw(NAMES), draw(NAMES)
    space = draw(st.sampled_from(["", "", " ", "\t"]))
    comment = draw(st.sampled_from(["", "", "  # note", " #" + draw(tricky_text).replace("\n", "")]))
    key_value = f"{space}{name}{space}={space}{draw(any_value())}{comment}"
    return draw(
        st.sampled_from(
            [
                *[key_value] * 6,
                f"{space}[[{space}{name}{space}]]{comment}",
                f"[[{name}]]",
                f"[{space}{name}{space}]{comment}",
                f"[{name}.{part}]",
                f"[ {name} . {part} ]",
                f"[[{name}.{part}]]",
                f'["{name}"]',
                f"{name}.{part} = 1",
                f'"{name}" = 1',
                comment.strip(),
                space,
                draw(tricky_text),
            ]
        )
    )


@given(st.lists(any_line(), max_size=12), st.sampled_from(["\n", ""]))
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_what_the_quick_read_reads_is_what_tomllib_reads(lines: list[str], end: str) -> None:
    agrees_with_tomllib("\n".join(lines) + end)


# ---- property: it reads the files it is for ---------------------------------------------------------------------

# what a string may hold and still be written in the part of TOML the quick read reads: no control character but
# those with a short escape
string_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]) | st.sampled_from('\n\t\b\f\r"\\'))
ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\r": "\\r"}


def basic(text: str) -> str:
    return '"' + "".join(ESCAPES.get(c, c) for c in text) + '"'


@st.composite
def written_value(draw: st.DrawFn) -> tuple[str, Any]:
    """A value and how a person or tmtui might write it, in the part of TOML the quick read reads."""
    kind = draw(st.sampled_from(["string", "multi-line", "literal", "strings", "integer", "boolean", "date"]))
    if kind == "string":
        text = draw(string_text)
        return basic(text), text
    if kind == "multi-line":
        text = draw(string_text.filter(lambda t: not t.endswith('"')))
        written = "".join(ESCAPES.get(c, c) if c not in '\n"' else c for c in text).replace('""', '"\\"')
        return '"""\n' + written + '"""', text
    if kind == "literal":
        text = draw(st.text(st.characters(codec="utf-8", exclude_categories=["Cc"], exclude_characters="'")))
        return f"'{text}'", text
    if kind == "strings":
        strings = draw(st.lists(string_text, max_size=3))
        one_per_line = draw(st.booleans())
        if one_per_line:
            return "[\n" + "".join(f"  {basic(s)},\n" for s in strings) + "]", strings
        return "[" + ", ".join(basic(s) for s in strings) + "]", strings
    if kind == "integer":
        number = draw(st.integers(-(10**17), 10**17))
        return str(number), number
    if kind == "boolean":
        truth = draw(st.booleans())
        return str(truth).lower(), truth
    day = draw(st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)))
    return day.isoformat(), day


@st.composite
def written_table(draw: st.DrawFn) -> tuple[list[str], dict[str, Any]]:
    lines: list[str] = []
    table: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(["id", "title", "notes", "n", "x_y", "1"]), unique=True, max_size=4)):
        text, value = draw(written_value())
        lines += draw(st.sampled_from([[], ["# a comment"], [""]]))
        lines.append(f"{key} = {text}" + draw(st.sampled_from(["", "  # trailing [[x]]"])))
        table[key] = value
    return lines, table


@st.composite
def written_model(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    lines, data = draw(written_table())
    for name in draw(st.lists(st.sampled_from(["system", "threats", "reviews", "flows"]), max_size=6)):
        body, table = draw(written_table())
        if name == "system":
            if name in data:
                continue
            lines += ["", "[system]", *body]
            data[name] = table
        else:
            lines += ["", f"# {name}", f"[[{name}]]", *body]
            data.setdefault(name, []).append(table)
            if draw(st.booleans()) and "metrics" not in table:
                extra, table["metrics"] = draw(written_table())
                lines += [f"[{name}.metrics]", *extra]
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n# the end"])), data


@given(written_model())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_quick_read_reads_files_written_in_its_part_of_toml(written: tuple[str, dict[str, Any]]) -> None:
    text, data = written
    assert same_data(tomllib.loads(text), data)  # the test writes what it means to
    assert agrees_with_tomllib(text) is not None


def test_it_reads_the_files_tmtui_writes(tmp_path) -> None:
    from importlib.resources import files

    demo = files("tmtui.data").joinpath("demo.toml").read_text(encoding="utf-8")
    assert agrees_with_tomllib(demo) is not None


@pytest.mark.parametrize(
    "text",
    [
        "a = 1.5\n",  # a float
        "a = { b = 1 }\n",  # an inline table
        "a.b = 1\n",  # a dotted key
        'a = "\\u00e9"\n',  # an escape JSON and TOML write differently
        'a = "tab\there"\n',  # legal, but left to tomllib
        "a = 2026-10-02T10:00:00\n",
        'a = ["x", # note\n]\n',
        "[a.b]\nc = 1\n",  # a sub-table of a table not yet written
        'a = """x\\\n  y"""\n',  # an escaped line end
    ],
)
def test_it_leaves_the_rest_of_toml_to_tomllib(text: str) -> None:
    assert quick_read(text) is None
    tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "a = 1\na = 2\n",
        'a = "x"\na = "y"\n',
        'a = "\x7f"\n',
        "[a]\n[a]\n",
        "a = 1\n[a]\n",
        "[a]\n[[a]]\n",
        "[[a]]\nb = 1\n[a.b]\n",
        "a = 2026-02-30\n",
        "a = 01\n",
        'a = "x" "y"\n',
        'a = "\x01"\n',
        "# \x7f\n",
    ],
)
def test_it_gives_up_where_tomllib_finds_an_error(text: str) -> None:
    with pytest.raises((tomllib.TOMLDecodeError, ValueError)):
        tomllib.loads(text)
    assert quick_read(text) is None


def test_same_data_tells_types_and_key_order_apart() -> None:
    assert same_data({"a": [1, "x"], "b": {"c": True}}, {"a": [1, "x"], "b": {"c": True}})
    assert not same_data({"a": 1}, {"a": True})
    assert not same_data({"a": 1}, {"a": 1.0})
    assert not same_data({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not same_data({"a": [1]}, {"a": [1, 2]})


# ---- the document checks the quick read before any edit -----------------------------------------------------------

MODEL = 'schema = 1\n\n[system]\nname = "Shop"\n\n# Login\n[[threats]]\nid = "T1"\ntitle = "Stolen session"\n'


def quick_document(text: str = MODEL) -> Document:
    return Document(decode(text.encode("utf-8")), quick=True)


def test_a_document_opened_quickly_is_checked_against_tomllib_when_it_is_cut() -> None:
    document = quick_document()
    assert document._unverified
    document.prepare_edits()
    assert not document._unverified and not document.misread
    document.set_field("T1", "title", "Session stolen")
    assert tomllib.loads(document.text())["threats"][0]["title"] == "Session stolen"


def test_a_quick_read_that_differs_from_tomllib_stops_every_edit(monkeypatch) -> None:
    def misread(text: str) -> dict[str, Any]:
        data = tomllib.loads(text)
        data["threats"][0]["title"] = "Not what the file says"
        return data

    monkeypatch.setattr(edit, "quick_read", misread)
    document = quick_document()
    assert document.model.threats[0].title == "Not what the file says"
    document.prepare_edits()
    assert document.misread
    assert set(document.read_only_kinds) >= {"system", "threats"}
    assert "quick read" in document.read_only_kinds["threats"]
    with pytest.raises(DocumentError):
        document.set_field("T1", "title", "Edited")
    with pytest.raises(DocumentError):
        document.add_record("threats", {"title": "New"})
    assert document.text() == MODEL


def test_a_file_outside_the_quick_part_is_read_by_tomllib_alone() -> None:
    document = quick_document(MODEL + "score = 1.5\n")
    assert not document._unverified
    document.prepare_edits()
    assert not document.misread


@pytest.mark.parametrize(
    "text",
    [
        'a = """' + "x" * 200_000 + '"""\n',
        "a = '''" + "x" * 200_000 + "'''\n",
        'a = "' + "x\\n" * 100_000 + '"\n',
        "\n" * 200_000 + "a = 1\n",
        "a = [" + '"x",' * 50_000 + "]\n",
    ],
    ids=["multi-line", "multi-line literal", "escaped", "blank lines", "strings"],
)
def test_a_long_value_is_read_without_memory_for_each_character(text: str) -> None:
    # a repeat that may give back keeps some 300 bytes per character: gigabytes for a file near the size limit
    tracemalloc.start()
    try:
        assert quick_read(text) is not None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * len(text) + 2_000_000
