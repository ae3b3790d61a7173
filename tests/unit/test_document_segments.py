"""The file cut into segments (one block of lines per top-level table): the cut is exact, each segment reads as
its own records, and edits on files a person writes by hand (split arrays of tables, sub-tables, header-like lines
inside strings, CRLF, a BOM) change only the block they edit."""

from __future__ import annotations

import difflib
import subprocess
import sys
import tomllib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmtui.document.edit import Document, DocumentError
from tmtui.document.locate import _plain_headers, index_lines, place_findings
from tmtui.document.merge import merge_with_disk
from tmtui.document.read import load_text
from tmtui.document.segments import split
from tmtui.document.source import BOM, decode
from tmtui.model import Finding, Severity

# ---- property: the cut is exact and each segment reads as its own records --------------------------------------

KINDS = ["threats", "mitigations", "reviews"]
TRICKY_LINES = ["[[threats]]", "[system]", '  [[ "mitigations" ]]', "# not a comment", "", "id = 'inside'", "[x.y]"]

comment = st.sampled_from(["# a comment", "#", "  # indented [[threats]]", "# ---- Threats ----"])
gap = st.lists(st.one_of(comment, st.just("")), max_size=4)
safe_text = st.text(alphabet="abc XYZ[]{}#=.,'", max_size=12)


@st.composite
def value(draw: st.DrawFn) -> str:
    """The text of a value, possibly over several lines that look like headers or comments."""
    kind = draw(st.sampled_from(["basic", "literal", "ml-basic", "ml-literal", "array", "matrix", "inline"]))
    lines = draw(st.lists(st.sampled_from(TRICKY_LINES), min_size=1, max_size=3))
    if kind == "basic":
        return '"' + draw(safe_text).replace("\\", "") + '"'
    if kind == "literal":
        return "'" + draw(safe_text).replace("'", "") + "'"
    if kind == "ml-basic":
        quotes = draw(st.sampled_from(["", '\\"""', '""']))  # an escaped run of quotes, or two before the end
        return '"""\n' + "\n".join(lines) + quotes + '"""'
    if kind == "ml-literal":
        return "'''\n" + "\n".join(line.replace("'", '"') for line in lines) + "'''"
    if kind == "array":
        return "[\n" + "".join(f'  "{line.replace(chr(34), "")}",  # [[threats]]\n' for line in lines) + "]"
    if kind == "matrix":  # lines of an array that start with `[` and `[[`
        return "[\n[[1]],\n  [2, 3],\n[\n  4,\n],\n]"
    return '{ a = "[[threats]]", b = [1, [2]] }'


@st.composite
def keys(draw: st.DrawFn, first: str | None = None) -> list[str]:
    names = draw(st.lists(st.sampled_from(["title", "notes", "status", "x-a", "tags"]), unique=True, max_size=4))
    lines = [first] if first else []
    for name in names:
        lines += draw(st.lists(comment, max_size=1))
        lines.append(f"{name} = {draw(value())}" + draw(st.sampled_from(["", "  # trailing"])))
    return lines


@st.composite
def model_text(draw: st.DrawFn) -> str:
    """A model written as a person might: records of a kind split around other tables, sub-tables, comments
    everywhere, header-like lines inside strings and arrays."""
    lines = draw(st.lists(comment, max_size=2)) + draw(st.sampled_from([[], ["schema = 1"]])) + draw(gap)
    blocks: list[str] = draw(st.lists(st.sampled_from([*KINDS, "system", "other"]), max_size=8))
    used: set[str] = set()
    for number, block in enumerate(blocks):
        if block in used and block in ("system", "other"):
            continue
        used.add(block)
        lines += draw(gap)
        if block in KINDS:
            header = draw(st.sampled_from([f"[[{block}]]", f'[[ "{block}" ]]', f"  [[{block}]]  # note"]))
            lines += [header, *draw(keys(f'id = "{block[0].upper()}{number}"'))]
            for sub in draw(st.lists(st.sampled_from(["metrics", "extra"]), unique=True, max_size=2)):
                lines += [*draw(gap), f"[{block}.{sub}]", *draw(keys())]
        else:
            lines += [f"[{block}]", *draw(keys())]
            if draw(st.booleans()):
                lines += [f"[{block}.inner]", "deep = 1"]
    lines += draw(gap)
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


def merged(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The data of segments read one by one, put together as TOML would: records appended to their kind."""
    data: dict[str, Any] = {}
    for part in parts:
        for key, item in part.items():
            if isinstance(item, list) and isinstance(data.get(key), list):
                data[key] += item
            else:
                data[key] = item
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_text(), st.booleans(), st.booleans())
def test_the_segments_join_to_the_text_and_read_one_by_one_as_the_whole(text, crlf, bom):
    raw = (BOM if bom else b"") + (text.replace("\n", "\r\n") if crlf else text).encode()
    source = decode(raw)
    cut = split(source.text)
    assert cut.preamble + "".join(s.text for s in cut.segments) + cut.closing == source.text
    whole = tomllib.loads(source.text)
    parts = [tomllib.loads(cut.preamble), *(tomllib.loads(s.text) for s in cut.segments), tomllib.loads(cut.closing)]
    assert merged(parts) == whole
    assert [s.name for s in cut.segments if s.is_record] == [
        kind for kind in _header_kinds(source.text) if kind in KINDS
    ]
    document = Document(source)
    assert document.read_only_kinds == {}
    assert document.to_bytes() == raw


def _header_kinds(text: str) -> list[str]:
    """The kinds of the `[[kind]]` headers tomllib sees, in file order: the records of each kind, counted."""
    data = tomllib.loads(text)
    order: list[str] = []
    for line in split(text).segments:
        if line.is_record:
            order.append(line.path[0])
    assert {k: order.count(k) for k in KINDS if k in data} == {k: len(data[k]) for k in KINDS if k in data}
    return order


def _header_lines(index: Any) -> dict[Any, int]:
    return {where: index.header_line(where) for where in index.headers}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_text())
def test_the_quick_header_index_agrees_with_the_scan_whenever_it_answers(text):
    """The quick index (a search in C, checked against the parsed data) either declines or finds exactly the
    headers the line-by-line scan finds, whatever header-like lines the strings and arrays hold."""
    quick = _plain_headers(text, tomllib.loads(text))
    if quick is not None:
        exact = _header_lines(index_lines(text))
        assert _header_lines(quick) == {
            where: line for where, line in exact.items() if where[0] is None or "." not in where[0]
        }


def _cut(cut: Any) -> tuple[Any, ...]:
    return cut.preamble, [(s.text, s.path, s.array, s.header) for s in cut.segments], cut.closing


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_text(), st.sampled_from(["", "\n# closing comment\n", "\n\n# set apart\n\n"]))
def test_the_quick_split_cuts_exactly_where_the_scan_cuts(text, ending):
    """Given the parsed data, split() finds the headers with searches in C and ends each block at the last line
    that is neither blank nor a comment; whenever it answers, the cut is the scan's, byte for byte."""
    text += ending
    assert _cut(split(text, data=tomllib.loads(text))) == _cut(split(text))


def test_a_file_written_as_tmtui_writes_one_is_opened_and_placed_without_the_line_scan(commented_text, monkeypatch):
    from tmtui.document import segments

    def no_scan(*_: Any) -> Any:
        raise AssertionError("the line-by-line scan ran")

    monkeypatch.setattr(segments, "statements", no_scan)
    document = Document.from_text(commented_text)
    assert document.read_only_kinds == {} and document.to_bytes() == commented_text.encode()
    findings = [Finding(Severity.ERROR, "", "threats", 1, "T2", "title")]
    assert place_findings(findings, commented_text, tomllib.loads(commented_text))[0].line is not None


@pytest.mark.parametrize(
    "text",
    [
        '[[threats]]\nid = "T1"\nnotes = """\nfirst\n#last line"""\n\n[[threats]]\nid = "T2"\n',
        "[[threats]]\nid = 'T1'\nnotes = '''\n  # indented last line'''\n[[threats]]\nid = 'T2'\n",
        '[[threats]]\nid = "T1"\nnotes = """joined \\\n   # to this"""\n# a comment\n[[threats]]\nid = "T2"\n',
    ],
)
def test_a_comment_looking_line_that_closes_a_string_stays_in_its_record(text):
    data = tomllib.loads(text)
    cut = split(text, data=data)
    assert _cut(cut) == _cut(split(text))
    assert tomllib.loads(cut.segments[0].text) == {"threats": [data["threats"][0]]}


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ('schema = 1\n[system]\nname = "x"\n\n# one\n[[threats]]\nid = "T1"\n[[reviews]]\n[reviews.metrics]\n', True),
        ('[[threats]]\nid = "T1"\nnotes = """\n[[threats]]\n"""\n', False),  # a header's text inside a string
        ("[[threats]]\nid = \"T1\"\nnotes = '''\n  [system]  # not one\n'''\n[system]\n", False),
        ('[[threats]]\nid = "T1"\ntags = [\n[[0]],\n]\n', False),  # an array's line
        # the counts agree, but the only `[[threats]]` line is text: the records are an inline array
        ('threats = [{id = "T1"}]\n[other]\nnotes = """\n[[threats]]\n"""\n', False),
        ('system.name = "x"\n[other]\nnotes = """\n  [system]\n"""\n', False),
        ('[[ "threats" ]]\nid = "T1"\n', False),  # written unlike tmtui writes it: the scan reads it
    ],
)
def test_the_quick_header_index_declines_every_file_where_a_line_could_fool_it(text, answers):
    assert (_plain_headers(text, tomllib.loads(text)) is not None) == answers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_text(), st.data())
def test_an_edit_changes_only_its_record_and_a_fresh_scan_finds_the_same_segments(text, data):
    document = Document.from_text(text)
    ids = [row["id"] for kind in KINDS for row in document.data.get(kind, [])]
    before = tomllib.loads(text)
    if ids:
        target = data.draw(st.sampled_from(ids))
        document.set_field(target, "title", data.draw(st.sampled_from(["new [[threats]]", "two\nlines", "x"])))
    document.add_record(data.draw(st.sampled_from(KINDS)), {"title": "added"})
    after = tomllib.loads(document.text())
    for kind in KINDS:
        untouched = [r for r in before.get(kind, []) if not ids or r["id"] != target]
        assert all(r in after[kind] for r in untouched)
    fresh = split(document.text())
    assert [s.text for s in fresh.segments] == [s.text for s in document._segments[1:-1]]


# ---- edits on a file written by hand -------------------------------------------------------------------------

HAND_WRITTEN = """# tmtui model
schema = 1

[system]
name = "Shop"

# ---- Threats ----

# about T1
[[threats]]
id = "T1"
title = "one"
notes = \"\"\"
[[threats]]
id = "T9"
\"\"\"

[[mitigations]]
id = "M1"
threats = [
  "T1",
[[0]],
]

[[reviews]]
id = "R1"
[reviews.metrics]
open = 1

# appended by hand after the reviews
[[ "threats" ]]
id = "T2"
title = 'two'
[threats.extra]
owner = "ana"

# the end
"""


def diff(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def edited(edit, text: str = HAND_WRITTEN) -> tuple[Document, list[str]]:
    document = Document.from_text(text)
    edit(document)
    return document, diff(text, document.text())


def test_a_threat_appended_after_the_reviews_is_edited_where_it_stands():
    document, changed = edited(lambda d: d.set_field("T2", "title", "two, edited"))
    assert changed == ["-title = 'two'", "+title = 'two, edited'"]
    assert tomllib.loads(document.text())["threats"][1]["extra"] == {"owner": "ana"}


def test_a_new_threat_goes_after_the_last_threat_even_when_it_stands_after_the_reviews():
    document, changed = edited(lambda d: d.add_record("threats", {"title": "three"}))
    assert changed == ["+[[threats]]", '+id = "T3"', '+title = "three"', "+"]
    assert document.text().endswith('owner = "ana"\n\n[[threats]]\nid = "T3"\ntitle = "three"\n\n# the end\n')


def test_a_header_inside_a_multiline_string_is_text_and_the_record_around_it_is_edited():
    document, changed = edited(lambda d: d.set_field("T1", "notes", "[[threats]]\nstill text"))
    assert changed == ['-id = "T9"', '-"""', '+still text"""']
    assert [t["id"] for t in tomllib.loads(document.text())["threats"]] == ["T1", "T2"]


def test_deleting_a_record_split_from_its_kind_takes_its_block_and_its_sub_table():
    document, changed = edited(lambda d: d.delete_record("T2"))
    assert changed == [
        "-# appended by hand after the reviews",
        '-[[ "threats" ]]',
        '-id = "T2"',
        "-title = 'two'",
        "-[threats.extra]",
        '-owner = "ana"',
        "-",
    ]
    assert document.text().endswith("open = 1\n\n# the end\n")


def test_moving_records_of_a_split_kind_keeps_each_place_and_carries_the_comments():
    document, _ = edited(lambda d: d.move_record("T2", 0))
    text = document.text()
    assert [t["id"] for t in tomllib.loads(text)["threats"]] == ["T2", "T1"]
    assert '# ---- Threats ----\n\n# appended by hand after the reviews\n[[ "threats" ]]\nid = "T2"' in text
    assert 'open = 1\n\n# about T1\n[[threats]]\nid = "T1"' in text


def test_editing_a_sub_table_of_a_record_touches_only_its_line():
    _, changed = edited(lambda d: d.set_field("R1", "metrics", {"open": 2}))
    assert changed == ["-open = 1", "+open = 2"]


def test_an_array_whose_lines_start_with_a_bracket_is_not_a_header():
    document, changed = edited(lambda d: d.set_field("M1", "status", "done"))
    assert changed == ['+status = "done"']
    assert tomllib.loads(document.text())["mitigations"][0]["threats"] == ["T1", [[0]]]


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("bom", [False, True])
def test_each_edit_keeps_crlf_and_the_bom_on_a_file_written_by_hand(tmp_path, crlf, bom):
    raw = (BOM if bom else b"") + (HAND_WRITTEN.replace("\n", "\r\n") if crlf else HAND_WRITTEN).encode()
    path = tmp_path / "m.toml"
    path.write_bytes(raw)
    document = Document.open(path)
    document.set_field("T2", "title", "two\nlines")
    document.add_record("threats", {"title": "three"})
    document.move_record("T3", 0)
    document.delete_record("T1")
    document.set_field("R1", "notes", "ok")
    assert document.save()
    data = path.read_bytes()
    assert data.startswith(BOM) is bom
    assert (b"\n" not in data.replace(b"\r\n", b"")) is crlf
    text = data.removeprefix(BOM).decode().replace("\r\n", "\n")
    assert [t["id"] for t in tomllib.loads(text)["threats"]] == ["T3", "T2"]
    assert "# tmtui model\n" in text and "# ---- Threats ----\n" in text and text.endswith("# the end\n")


def test_a_file_without_a_final_newline_gets_one_before_a_new_record():
    document, _ = edited(lambda d: d.add_record("threats", {"title": "b"}), '[[threats]]\nid = "T1"\ntitle = "a"')
    assert document.text() == '[[threats]]\nid = "T1"\ntitle = "a"\n\n[[threats]]\nid = "T2"\ntitle = "b"\n'


# ---- what cannot be edited is refused at open, with the reason -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ('[[reviews]]\nid = "R1"\n\n[system]\nname = "S"\n\n[reviews.metrics]\nopen = 1\n', "reviews", "apart"),
        ('system.name = "S"\n\n[[threats]]\nid = "T1"\n', "system", "dotted keys"),
        ('system = { name = "S" }\n', "system", "inline table"),
        ("threats = []\n", "threats", "inline array"),
        ('threats = [{ id = "T1" }]\n', "threats", "inline array"),
        ("[threats]\nx = 1\n", "threats", "not written as"),
    ],
    ids=["sub-table-apart", "dotted-system", "inline-system", "empty-inline-array", "inline-array", "plain-table"],
)
def test_a_kind_written_in_a_way_tmtui_cannot_edit_is_read_only_with_the_reason(text, kind, words):
    document = Document.from_text(text)
    assert words in document.read_only_kinds[kind]
    edits = {
        "system": lambda: document.set_field("system", "name", "X"),
        "reviews": lambda: document.set_field("R1", "notes", "x"),
        "threats": lambda: document.add_record("threats", {"title": "x"}),
    }
    with pytest.raises(DocumentError, match=words):
        edits[kind]()
    assert document.text() == text and not document.dirty


def test_other_kinds_of_a_file_with_a_read_only_kind_can_still_be_edited():
    document = Document.from_text('system.name = "S"\n\n[[threats]]\nid = "T1"\n')
    document.set_field("T1", "title", "edited")
    assert document.text() == 'system.name = "S"\n\n[[threats]]\nid = "T1"\ntitle = "edited"\n'


def test_an_edited_segment_that_would_not_read_back_as_its_record_is_refused(monkeypatch):
    from tmtui.document import render

    document = Document.from_text(HAND_WRITTEN)
    real = render.set_item
    monkeypatch.setattr(render, "set_item", lambda keys, key, value: real(keys, key, "something else"))
    with pytest.raises(DocumentError, match="would not read back"):
        document.set_field("T2", "title", "intended")
    assert document.text() == HAND_WRITTEN and not document.dirty


def test_a_scan_that_disagrees_with_tomllib_makes_the_kind_read_only(monkeypatch):
    from tmtui.document import edit, segments

    def missing_the_last_header(text: str, at_file_start: bool = True, data: Any = None) -> segments.Split:
        cut = segments.split(text, at_file_start, data)
        return segments.Split(cut.preamble, cut.segments[:-1], cut.segments[-1].text + cut.closing)

    monkeypatch.setattr(edit, "split", missing_the_last_header)
    document = Document.from_text('[[threats]]\nid = "T1"\n\n[[threats]]\nid = "T2"\n')
    assert "cannot tell" in document.read_only_kinds["threats"]


# ---- reads --------------------------------------------------------------------------------------------------


def test_a_finding_after_a_multiline_string_is_placed_on_its_own_line():
    text = (
        'schema = 1\n\n[[threats]]\nid = "T1"\ntitle = "t"\nnotes = """\n'
        'A quote run: \\""" and then\nstatus = "open"\n[[threats]]\n"""\nstatus = "bogus"\n'
    )
    loaded = load_text(decode(text.encode()))
    assert [(f.field, f.line) for f in loaded.findings if f.field == "status"] == [("status", 11)]


def test_opening_a_file_for_editing_never_loads_tomlkit(commented_file):
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tmtui.session import Session\n"
        f"session = Session.open(Path({str(commented_file)!r}))\n"
        "session.model, session.findings\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'tomlkit'))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_findings_are_placed_on_keys_sub_tables_and_headers_of_records_written_anywhere():
    text = (
        "schema = 1\n"  # 1
        "\n"
        "[[threats]]\n"  # 3
        'id = "T1"\n'
        "tags = [\n"  # 5
        '  "a",\n'
        "[[0]],\n"  # 7: an array's line, not a header
        "]\n"
        "status = 'x'\n"  # 9
        "\n"
        "[[reviews]]\n"  # 11
        'id = "R1"\n'
        "[reviews.metrics]\n"  # 13
        "open = 1\n"
        "\n"
        "[[threats]]\n"  # 16: a threat after the reviews
        'id = "T2"\n'
    )
    findings = [
        Finding(Severity.ERROR, "", "threats", 0, "T1", "status"),
        Finding(Severity.ERROR, "", "reviews", 0, "R1", "metrics"),
        Finding(Severity.ERROR, "", "threats", 1, "T2", "title"),
        Finding(Severity.ERROR, "", None, None, None, "schema"),
        Finding(Severity.ERROR, "", None, None, None, "reviews"),
    ]
    assert [f.line for f in place_findings(findings, text)] == [9, 13, 16, 1, 11]


def test_a_change_on_disk_merges_record_by_record_into_a_file_with_split_kinds(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(HAND_WRITTEN)
    document = Document.open(path)
    document.set_field("T2", "title", "two, mine")
    path.write_text(HAND_WRITTEN.replace('title = "one"', 'title = "one, theirs"'))
    result = merge_with_disk(document)
    assert result.conflicts == []
    result.document.save()
    text = path.read_text()
    assert diff(HAND_WRITTEN, text) == [
        '-title = "one"',
        '+title = "one, theirs"',
        "-title = 'two'",
        "+title = 'two, mine'",
    ]


# ---- the cut is made when an edit first needs it, once, on whichever thread asks first --------------------------

SMALL = '[system]\nname = "S"\n\n# the first threat\n[[threats]]\nid = "T1"\ntitle = "Replay"\n'


def counting_cuts(monkeypatch: pytest.MonkeyPatch, pause: float = 0.0) -> list[str]:
    """Count the cuts documents make (each by the name of its thread), optionally each taking `pause` seconds."""
    import threading
    import time

    cuts: list[str] = []
    make_cut = Document._cut

    def cut(document: Document) -> None:
        cuts.append(threading.current_thread().name)
        time.sleep(pause)
        make_cut(document)

    monkeypatch.setattr(Document, "_cut", cut)
    return cuts


def test_reading_a_model_never_cuts_the_file(monkeypatch):
    cuts = counting_cuts(monkeypatch)
    document = Document.from_text(SMALL)
    assert document.model.threats[0].title == "Replay" and document.findings == []
    assert document.text() == SMALL and document.to_bytes() == SMALL.encode() and document.data["system"]["name"] == "S"
    assert document.prepare_save() is None
    assert cuts == []
    document.set_field("T1", "title", "Replay of tokens")
    document.add_record("threats", {"title": "Second"})
    assert len(cuts) == 1
    added = '\n[[threats]]\nid = "T2"\ntitle = "Second"\n'
    assert document.text() == SMALL.replace('"Replay"', '"Replay of tokens"') + added


def test_read_only_kinds_are_known_once_asked(monkeypatch):
    cuts = counting_cuts(monkeypatch)
    document = Document.from_text('system.name = "S"\n' + SMALL.split("\n", 2)[2])
    assert cuts == []
    assert "dotted keys" in document.read_only_kinds["system"] and len(cuts) == 1


def test_an_edit_waits_for_a_cut_made_on_another_thread(monkeypatch):
    import threading

    cuts = counting_cuts(monkeypatch, pause=0.2)
    document = Document.from_text(SMALL)
    ahead = threading.Thread(target=document.prepare_edits, name="ahead")
    ahead.start()
    while not cuts:  # the other thread is cutting
        pass
    document.set_field("T1", "title", "Edited while it was cut")
    ahead.join()
    assert cuts == ["ahead"]
    assert document.text() == SMALL.replace('"Replay"', '"Edited while it was cut"')
    assert tomllib.loads(document.text())["threats"][0]["title"] == "Edited while it was cut"


def test_a_cut_interrupted_part_way_is_made_again_from_nothing(monkeypatch):
    import tmtui.document.edit as edit

    text = SMALL + '\n[[mitigations]]\nid = "M1"\ntitle = "m"\n'
    kind_problem, interrupted = edit._kind_problem, []

    def interrupted_once(kind: str, rows: Any, segments: Any) -> str | None:
        if kind == "mitigations" and not interrupted:  # after the threats were indexed
            interrupted.append(kind)
            raise KeyboardInterrupt
        return kind_problem(kind, rows, segments)

    monkeypatch.setattr(edit, "_kind_problem", interrupted_once)
    document = Document.from_text(text)
    with pytest.raises(KeyboardInterrupt):
        document.prepare_edits()
    document.set_field("T1", "title", "After the retry")
    assert document.text() == text.replace('"Replay"', '"After the retry"')
