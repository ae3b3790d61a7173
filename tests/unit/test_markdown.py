"""The Markdown report: structure a team can read, and model text that can never inject markup."""

import json
import re
import sys
import tomllib
import unicodedata
import zlib
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tmtui.exchange.escape import (
    _MERMAID_KEYWORDS,
    OTHER_SPACE,
    all_inline_plain,
    block,
    block_all,
    cell,
    clean,
    inline,
    inline_all,
    json_safe,
    mermaid_id,
    mermaid_label,
)
from tmtui.exchange.json_export import to_json
from tmtui.exchange.markdown import _id_lists, _ids, _text, to_markdown
from tmtui.model import Threat, model_from_data, threat_sentence

FIXTURES = Path(__file__).parent.parent / "fixtures"
md = MarkdownIt("commonmark").enable("table")


def model_of(text: str):
    return model_from_data(tomllib.loads(text))[0]


def tokens_of(markdown: str):
    return md.parse(markdown)


def test_the_report_has_the_four_questions_as_sections(commented_text):
    report = to_markdown(model_of(commented_text))
    headings = [
        t.content
        for t in md.parse(report)
        if t.type == "inline" and t.map and report.splitlines()[t.map[0]].startswith("## ")
    ]
    assert headings == [
        "1. What are we building?",
        "2. What could go wrong?",
        "3. What are we going to do about it?",
        "4. How well did we do?",
    ]


def test_threats_are_sorted_by_risk_with_their_mitigations(commented_text):
    report = to_markdown(model_of(commented_text))
    section = report.split("## 2. What could go wrong?")[1].split("## 3.")[0]
    rows = [line for line in section.splitlines() if line.startswith("| T")]
    assert [r.split(" | ")[0] for r in rows] == ["| T1", "| T2", "| T3"]
    assert rows[0].split(" | ")[4:7] == ["critical", "open", "M1 |"]


def test_the_flow_diagram_has_a_subgraph_per_boundary():
    model = model_of(
        '[[boundaries]]\nid = "B1"\nname = "DMZ"\n'
        '[[components]]\nid = "C1"\nname = "Web"\nboundary = "B1"\n'
        '[[components]]\nid = "C2"\nname = "DB"\nkind = "store"\n'
        '[[flows]]\nid = "F1"\nfrom = "C1"\nto = "C2"\nlabel = "SQL"\nprotocol = "tcp"\n'
    )
    report = to_markdown(model)
    diagram = report.split("```mermaid\n")[1].split("```")[0]
    assert diagram.splitlines() == [
        "flowchart LR",
        '  subgraph B1["DMZ"]',
        '    C1(["Web"])',
        "  end",
        '  C2[("DB")]',
        '  C1 -->|"SQL (tcp)"| C2',
    ]


HOSTILE = "Evil | <script>alert(1)</script> **bold** [link](http://x) \x1b[31mred\x1b[0m \u202etxet\n# heading"


def test_hostile_text_is_escaped_everywhere_it_lands():
    title = HOSTILE.replace("\n", " ")
    model = model_of(
        "[system]\n"
        f"name = {tomllib_string(title)}\n"
        f"description = {tomllib_string(HOSTILE)}\n"
        "[[components]]\n"
        'id = "C1"\n'
        f"name = {tomllib_string(title)}\n"
        "[[threats]]\n"
        'id = "T1"\n'
        f"title = {tomllib_string(title)}\n"
        f"notes = {tomllib_string(HOSTILE)}\n"
        'targets = ["C1"]\n'
    )
    report = to_markdown(model)
    assert "\x1b" not in report and "\u202e" not in report
    html = md.render(report)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>bold</strong>" not in html and "**bold**" in html
    assert "<a href" not in html and "[link](http://x)" in html
    assert "<h1>heading</h1>" not in html
    # the | in the title is escaped, so the threat's row has as many cells as the header
    table = report.split("## 2. What could go wrong?")[1].split("\n\n")[1]
    tokens = md.parse(table)
    headers = [t for t in tokens if t.type == "th_open"]
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == len(headers) == 5
    title_cell = [t for t in tokens if t.type == "inline"][6]
    shown = "".join(child.content for child in title_cell.children if child.type == "text")
    assert shown.startswith("Evil | <script>alert(1)</script> **bold** [link](http://x) [31mred")


def tomllib_string(text: str) -> str:
    import json

    return json.dumps(text)


def test_escape_helpers():
    assert inline("a*b_c") == "a\\*b\\_c"
    assert cell("one\ntwo | three") == "one<br>two \\| three"
    assert mermaid_label('say "hi" <b>') == "say #quot;hi#quot; #lt;b#gt;"


def test_json_text_never_holds_del_or_c1_raw_even_when_it_is_all_ascii():
    assert json_safe('{"t": "a\x7fb"}') == '{"t": "a\\u007fb"}'
    assert json_safe('{"t": "a\x9bb \x7f"}') == '{"t": "a\\u009bb \\u007f"}'
    assert json_safe('{"t": "plain é"}') == '{"t": "plain é"}'


def test_threat_sentence_follows_the_grammar():
    threat = Threat(
        id="T1", title="x", source="An attacker", prerequisites="with a key", action="refund", impact="loss."
    )
    assert threat_sentence(threat) == "An attacker with a key can refund, which leads to loss."
    assert threat_sentence(Threat(id="T2", title="y")) == ""


def test_json_export_has_risk_and_metrics(commented_text):
    import json

    data = json.loads(to_json(model_of(commented_text)))
    assert data["threats"][0]["risk"] == "critical"
    assert data["metrics"]["threats"] == 3
    assert data["reviews"][0]["date"] == "2026-01-02"
    assert data["assets"][1]["x-owner"] == "team-a"


def test_json_export_writes_one_record_per_line_and_reads_back_as_the_records(commented_text):
    """Readable and diffable: each record of a list is one line, so a changed record is one changed line."""
    text = to_json(model_of(commented_text))
    data = json.loads(text)
    for kind in ("threats", "mitigations", "assets"):
        for row in data[kind]:
            assert (
                "    " + json.dumps(row, ensure_ascii=False) in text.splitlines()
                or ("    " + json.dumps(row, ensure_ascii=False) + ",") in text.splitlines()
            )
    assert text.startswith("{\n  ") and text.endswith("\n}\n")


# ---- property: no text from a model ever becomes markup --------------------------------------------------------

from collections import Counter  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tmtui.model import Mitigation, System  # noqa: E402
from tmtui.model import Model as _Model  # noqa: E402
from tmtui.model.records import Component  # noqa: E402

hostile = st.text(alphabet=st.sampled_from([*"<>&|*_[]()`#!-+=\\/\"'\n\t ~:x1.", "\x1b", "\u202e"]), max_size=40)


def _markup_tokens(markdown: str) -> Counter[str]:
    """Every piece of markup the report renders: raw HTML (other than the <br> of table cells), links, emphasis."""
    found: Counter[str] = Counter()
    for token in md.parse(markdown):
        if token.type == "html_block" or (token.type == "fence" and token.info != "mermaid"):
            found[token.type] += 1
        for child in token.children or []:
            if child.type == "html_inline" and child.content != "<br>":
                found["html"] += 1
            if child.type in ("link_open", "image", "strong_open", "em_open", "code_inline", "s_open"):
                found[child.type] += 1
    return found


def _model(name: str, title: str, notes: str) -> _Model:
    return _Model(
        system=System(name=name, description=notes),
        components=[Component(id="C1", name=title)],
        threats=[Threat(id="T1", title=title, notes=notes, action=title, targets=["C1"])],
        mitigations=[Mitigation(id="M1", title=title, description=notes, owner=name, threats=["T1"])],
    )


@settings(max_examples=150, deadline=None)
@given(hostile, hostile, hostile)
def test_no_model_text_becomes_markup(name, title, notes):
    report = to_markdown(_model(name, title, notes))
    assert "\x1b" not in report and "\u202e" not in report
    # the same report with harmless text holds at least as much markup: the hostile text added none
    assert _markup_tokens(report) - _markup_tokens(to_markdown(_model("x", "x", "x"))) == Counter()


# ---- the Mermaid block against the grammar we emit ----------------------------------------------------------

_NODE_ID = r"(?!(?:end|subgraph|graph|flowchart|click|call|href|style|classdef|class|linkstyle|direction|default)\b)"
_NODE_ID += r"[A-Za-z0-9_]+"
_LABEL = r'"(?:[^"\n%;|`<>#]|#(?:\d+|quot|lt|gt);)*"'
MERMAID_LINE = [
    re.compile(r"flowchart LR"),
    re.compile(rf"  subgraph {_NODE_ID}\[{_LABEL}\]"),
    re.compile(r"  end"),
    re.compile(rf" +{_NODE_ID}(?:\[{_LABEL}\]|\[\({_LABEL}\)\]|\(\[{_LABEL}\]\))"),
    re.compile(rf"  {_NODE_ID} -->(?:\|{_LABEL}\|)? {_NODE_ID}"),
]
MERMAID_HOSTILE = [
    '"] ; click C1 call alert(1) ; %%',
    "%%{init: {'theme': 'dark', 'securityLevel': 'loose'}}%%",
    'a\nend\nclick C1 href "javascript:alert(1)"\n',
    "`**md**` | -->|x| <b>b</b> &amp; #quot;",
    "\x1b]52;c;aGk=\x07\x9b",
]


def _mermaid_block(report: str) -> list[str]:
    lines = report.splitlines()
    start = lines.index("```mermaid")
    return lines[start + 1 : lines.index("```", start)]


@pytest.mark.parametrize("text", MERMAID_HOSTILE)
def test_every_line_of_the_mermaid_block_follows_the_flowchart_grammar_whatever_the_text(text):
    quoted = json.dumps(text)
    ids = {"boundary": "end", "web": "click", "db": "C2", "user": 'C3"]'}
    model = model_of(
        f'[[boundaries]]\nid = "{ids["boundary"]}"\nname = {quoted}\n'
        f'[[components]]\nid = "{ids["web"]}"\nname = {quoted}\nkind = "process"\nboundary = "end"\n'
        f'[[components]]\nid = "{ids["db"]}"\nname = {quoted}\nkind = "store"\n'
        f'[[components]]\nid = {json.dumps(ids["user"])}\nname = {quoted}\nkind = "external"\n'
        f'[[flows]]\nid = "F1"\nfrom = "click"\nto = "C2"\nlabel = {quoted}\nprotocol = {quoted}\n'
        f'[[flows]]\nid = "F2"\nfrom = {json.dumps(ids["user"])}\nto = "click"\n'
    )
    block = _mermaid_block(to_markdown(model))
    assert len(block) == 8  # flowchart, subgraph, its node, end, two nodes, two flows
    for line in block:
        assert any(rule.fullmatch(line) for rule in MERMAID_LINE), line
        assert "%%" not in line and "\x1b" not in line


def test_review_metrics_are_escaped_like_every_other_value():
    model = model_of(
        '[[reviews]]\nid = "R1"\ndate = 2026-11-27\n'
        '[reviews.metrics]\nthreats = "<script>alert(1)</script>"\nopen = "[x](javascript:alert(1))"\n'
        'open_high_risk = "| a | b |"\nmitigated_percent = "<img src=x>"\n'
    )
    report = to_markdown(model)
    html = md.render(report)
    assert "<script" not in html and "<img" not in html and "javascript:" not in html.replace("javascript:alert", "")
    assert "href" not in html
    assert html.count("<td>") == html.count("<th>")  # the pipes inside the values did not add cells


def test_the_report_has_the_coverage_grid_readable_without_colour(commented_text):
    report = to_markdown(model_of(commented_text))
    section = report[report.index("### Coverage") :]
    assert "10% of 10 expected element × STRIDE checks considered" in section
    assert "| Element | Kind | S | T | R | I | D | E |" in section
    assert "| C1 Web | process | ? | ! | ? | ? | ? | ? |" in section
    assert "| C2 DB | store | · | ? | ? | ? | ? | · |" in section
    assert "✓ answered · ! open threat · ? not yet considered" in section
    assert "- **Assets no threat names:** A1, A2" in section


def test_coverage_grid_rows_are_escaped_like_every_other_value():
    model = model_of(
        '[[components]]\nid = "C1"\nname = "<b>x</b> | y"\n[[flows]]\nid = "F1"\nlabel = "[a](javascript:b)"\n'
    )
    html = md.render(to_markdown(model))
    grid = html[html.index("<th>Element</th>") : html.index("</table>", html.index("<th>Element</th>"))]
    assert "<b>" not in grid and "href" not in grid
    assert all(row.count("<td>") == 8 for row in grid.split("</tr>")[1:-1])


def test_the_report_shows_the_trend_across_reviews_and_what_changed_since_the_last_one():
    model = model_of(
        '[[threats]]\nid = "T1"\ntitle = "a"\nlikelihood = "high"\nseverity = "high"\n\n'
        '[[threats]]\nid = "T2"\ntitle = "b"\nstatus = "mitigated"\n\n'
        '[[reviews]]\nid = "R2"\ndate = 2026-02-01\n[reviews.metrics]\nthreats = 3\nopen = 2\nopen_high_risk = 2\n'
        "mitigated_percent = 33\n\n"
        '[[reviews]]\nid = "R1"\ndate = 2026-01-01\n[reviews.metrics]\nthreats = 1\nopen = 1\nopen_high_risk = 0\n'
        "mitigated_percent = 0\n"
    )
    report = to_markdown(model)
    trend = report[report.index("### Trend across reviews") : report.index("### Since the last review")]
    rows = [line for line in trend.splitlines() if line.startswith("| ")]
    assert rows == [
        "| Review | Date | Threats | Open | Open at high risk or above | Mitigated % |",
        "| --- | --- | --- | --- | --- | --- |",
        "| R1 | 2026-01-01 | 1 | 1 | 0 | 0% |",
        "| R2 | 2026-02-01 | 3 (+2) | 2 (+1) | 2 (+2) | 33% (+33) |",
        "| **Now** |   | 2 (-1) | 1 (-1) | 1 (-1) | 50% (+17) |",
    ]
    since = report[report.index("### Since the last review (R2, 2026-02-01)") :]
    assert "- **Open:** 2 → 1 (-1, better)" in since
    assert "- **Mitigated %:** 33 → 50 (+17, better)" in since
    assert "- **Threats:** 3 → 2 (-1)" in since


def test_one_review_gives_what_changed_since_it_but_no_trend_table(commented_text):
    report = to_markdown(model_of(commented_text))
    assert "### Trend across reviews" not in report
    assert "### Since the last review (R1, 2026-01-02)" in report
    assert "- **Open at high risk or above:** 1 (not kept by that review)" in report


def test_ids_that_differ_only_in_characters_mermaid_cannot_name_stay_two_nodes():
    from tmtui.exchange.escape import mermaid_id

    assert mermaid_id("C_1") == "C_1"
    assert mermaid_id("C-1") != mermaid_id("C_1")
    assert mermaid_id("C-1") == mermaid_id("C-1")  # the same record is the same node every time


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_clean_drops_exactly_the_control_characters_and_bidi_overrides(text: str) -> None:
    """`clean` is one search in C; it drops what the Unicode tables call control characters (Cc) but newline and
    tab, and the bidi overrides, and nothing else."""
    bidi = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
    kept = "".join(c for c in text if c in "\n\t" or (unicodedata.category(c) != "Cc" and c not in bidi))
    assert clean(text) == kept.replace("\t", " ")


_TRICKY = st.text(alphabet="ab 1.-+=#*_[]|&<>`~!@GH\\{}\n\t\r\x1b\x85\xa0\u202e\u2028", max_size=30)


def _escaped_reference(text: str) -> str:
    """The full escaping, step by step: control characters out, & and markup characters escaped, then a
    zero-width space after each @ or # that GitHub would read as a mention or an issue reference."""
    escaped = re.sub(r"([\\`*_{}\[\]<>|#~!])", r"\\\1", clean(text).replace("&", "&amp;"))
    escaped = re.sub(r"\\#(?=[0-9])", "\\#&#8203;", escaped)
    escaped = re.sub(r"(?i)\bGH-(?=[0-9])", lambda m: m.group() + "&#8203;", escaped)
    return re.sub(r"(?:^|(?<=[^A-Za-z0-9_]))@(?=[A-Za-z0-9])", "@&#8203;", escaped)


def test_a_mention_or_an_issue_number_in_model_text_pings_nobody_where_the_report_is_pasted():
    """GitHub reads @name and #12 after Markdown has run, so a backslash does not stop them."""
    rendered = md.render(inline("Ask @acme/security about #12, octo/repo#3 and GH-4 (mail: ops@example.com)"))
    assert "@\u200bacme/security" in rendered and "@acme" not in rendered
    assert "#\u200b12" in rendered and "repo#\u200b3" in rendered and "GH-\u200b4" in rendered
    assert "ops@example.com" in rendered  # an e-mail address mentions nobody: left as written
    assert "@\u200b" in md.render(block("line one\n@someone on line two"))


def test_the_quick_paths_know_every_whitespace_character_python_does() -> None:
    """`inline` joins whitespace with `str.split`: its quick search must know every character that splits."""
    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c not in " \n")
    assert re.fullmatch(f"[{OTHER_SPACE}]*", spaces)
    assert len(re.findall(f"[{OTHER_SPACE}]", "".join(map(chr, range(sys.maxunicode + 1))))) == len(spaces)


@given(st.one_of(_TRICKY, st.text(max_size=30)))
def test_inline_and_cell_skip_work_only_where_there_is_none(text: str) -> None:
    """Their quick answer for plain text (one search in C) is what the full escaping gives."""
    assert inline(text) == " ".join(_escaped_reference(text).split())
    assert cell(text) == "<br>".join(inline(line) for line in clean(text).split("\n") if line.strip())


@given(st.one_of(_TRICKY, st.text(max_size=30)))
def test_block_skips_work_only_where_there_is_none(text: str) -> None:
    escaped = re.sub(
        r"^(\s*)([-+=]|\d+[.)])",
        lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}" if m[2][0].isdigit() else f"{m[1]}\\{m[2]}",
        _escaped_reference(text),
        flags=re.MULTILINE,
    )
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", escaped.strip())]
    assert block(text) == "\n\n".join(" \\\n".join(line.strip() for line in p.split("\n")) for p in paragraphs if p)


_COLUMN = st.lists(st.one_of(_TRICKY, st.sampled_from(["Plain title", "T1", "", " x", "x ", "\ue000 ", "gh-1"])))


@given(_COLUMN)
def test_a_column_escaped_at_once_is_each_text_escaped(texts: list[str]) -> None:
    """One search over a column's texts joined answers for all of them only where each would need no work."""
    assert inline_all(texts) == [inline(t) for t in texts]
    assert block_all(texts) == [block(t) for t in texts]
    if all_inline_plain(texts):
        assert all(inline(t) == t for t in texts)


@given(st.lists(_COLUMN, max_size=4))
def test_lists_of_ids_escaped_at_once_are_each_list_escaped(lists: list[list[str]]) -> None:
    assert _id_lists(lists) == [_ids(ids) for ids in lists]


@given(st.one_of(_TRICKY, st.text(max_size=30), st.sampled_from(["End", "C1", "class", "T-1", "ü1"])))
def test_mermaid_names_and_labels_skip_work_only_where_there_is_none(text: str) -> None:
    """Their quick answer for plain names and ids is what the full coding gives."""
    codes = {c: f"#{ord(c)};" for c in "#`%;|&"} | {'"': "#quot;", "<": "#lt;", ">": "#gt;"}
    assert mermaid_label(text) == "".join(codes.get(c, c) for c in " ".join(clean(text).split()))
    name = re.sub(r"[^A-Za-z0-9_]", "_", text) or "_"
    if name != text:
        name += "_" + format(zlib.crc32(text.encode("utf-8", "surrogatepass")), "08x")
    assert mermaid_id(text) == (f"id_{name}" if name.lower() in _MERMAID_KEYWORDS else name)


@given(st.lists(st.sampled_from(["", "\n", "\n\n", "a", "a\n", "b\n\nc", " "]), max_size=6))
def test_the_report_s_lines_become_one_text_ending_in_one_newline(lines: list[str]) -> None:
    assert _text(list(lines)) == "\n".join(lines).rstrip("\n") + "\n"
