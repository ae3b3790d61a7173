"""No text from a model or an imported file reaches the terminal raw through the command line.

A model whose every text field (ids and unknown keys too) carries OSC 52, CSI, OSC 8 and C1 sequences goes
through every command that prints; not one ESC, BEL or C1 CSI byte may come out.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import tomlkit
from hypothesis import given
from hypothesis import strategies as st

from tmtui.cli import main

# clipboard write (OSC 52), clear screen (CSI), a hyperlink (OSC 8), and C1 CSI; then a DEL
HOSTILE = "\x1b]52;c;aGk=\x07|\x1b[2J|\x1b]8;;http://x\x1b\\|\x9b31m|\x7f"
FORBIDDEN = ("\x1b", "\x07", "\x9b")


def _h(label: str) -> str:
    return f"{label}{HOSTILE}"


def hostile_model() -> dict:
    """Every kind of record, every text field hostile, links between them intact, unknown keys hostile too."""
    return {
        "schema": 1,
        _h("top"): _h("extra"),
        "system": {"name": _h("Shop"), "description": _h("desc"), "owners": [_h("alice")], _h("k"): _h("v")},
        "assets": [{"id": "A1", "name": _h("Cards"), "description": _h("d"), "sensitivity": _h("very")}],
        "boundaries": [{"id": "B1", "name": _h("Internet"), "description": _h("d")}],
        "components": [
            {"id": "C1", "name": _h("Web"), "kind": "process", "boundary": "B1", "assets": ["A1"]},
            {"id": "C2", "name": _h("DB"), "kind": _h("store"), "tags": [_h("sql")]},
            {"id": _h("C3"), "name": _h("Odd id")},
        ],
        "flows": [
            {"id": "F1", "from": "C1", "to": "C2", "label": _h("query"), "protocol": _h("tcp"), "data": ["A1"]},
            {"id": "F2", "from": _h("C9"), "to": "C1", "label": _h("dangling")},
        ],
        "stories": [{"id": "US1", "text": _h("As a user")}],
        "assumptions": [{"id": "AS1", "text": _h("TLS")}],
        "threats": [
            {
                "id": "T1",
                "title": _h("Replay"),
                "stride": ["tampering", _h("bogus")],
                "source": _h("An attacker"),
                "prerequisites": _h("with a key"),
                "action": _h("replay"),
                "impact": _h("loss"),
                "targets": ["C1", "F1", _h("C9")],
                "assets": ["A1"],
                "goals": [_h("integrity")],
                "tags": [_h("t")],
                "likelihood": "high",
                "severity": "high",
                "status": "open",
                "notes": _h("notes"),
                _h("extra key"): [_h("extra value")],
            },
            {"id": "T1", "title": _h("Duplicate id"), "likelihood": _h("often")},
        ],
        "mitigations": [
            {
                "id": "M1",
                "title": _h("Sign"),
                "description": _h("desc"),
                "threats": ["T1"],
                "status": _h("someday"),
                "owner": _h("bob"),
                "ticket": _h("https://x"),
            }
        ],
        "reviews": [
            {
                "id": "R1",
                "date": tomlkit.date("2026-11-27"),
                "participants": [_h("carol")],
                "notes": _h("went well"),
                "metrics": {"threats": _h("12"), "open": 1, _h("metric"): _h("<script>alert(1)</script>")},
            }
        ],
    }


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.toml"
    path.write_text(tomlkit.dumps(hostile_model()), encoding="utf-8")
    return path


def _assert_safe(capsys, stdout_only: bool = False) -> str:
    out, err = capsys.readouterr()
    for byte in FORBIDDEN:
        assert byte not in out, f"{byte!r} in stdout"
        assert byte not in err, f"{byte!r} in stderr"
    return out if stdout_only else out + err


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{m}"],
        ["check", "{m}", "--strict", "--fail-on", "low"],
        ["export", "{m}"],
        ["export", "{m}", "--format", "json"],
        ["export", "{m}", "--format", "threat-composer"],
        ["diff", "{m}", "{plain}"],
        ["diff", "{plain}", "{m}"],
    ],
    ids=lambda args: " ".join(args),
)
def test_model_text_is_printed_visibly_by_every_command(hostile, tmp_path, capsys, args):
    plain = tmp_path / "plain.toml"
    plain.write_text('schema = 1\n[system]\nname = "Shop"\n[[threats]]\nid = "T1"\ntitle = "Replay"\n')
    main([a.replace("{m}", str(hostile)).replace("{plain}", str(plain)) for a in args])
    shown = _assert_safe(capsys)
    assert "52;c;aGk=" in shown  # the text itself is there: only the control characters changed


def test_check_warns_about_control_characters_naming_the_record_and_field(hostile, capsys):
    main(["check", str(hostile)])
    out = _assert_safe(capsys)
    for where in ("system.name", "T1.title", "T1.notes", "M1.owner", "R1.metrics", "A1.name", "C2.tags"):
        assert any(where in line and "control characters" in line for line in out.splitlines()), where
    assert any("C3␛" in line and ".id:" in line and "control characters" in line for line in out.splitlines())


def test_the_json_exports_escape_every_control_character_and_still_hold_the_text(hostile, capsys):
    main(["export", str(hostile), "--format", "json"])
    out = _assert_safe(capsys, stdout_only=True)
    assert json.loads(out)["threats"][0]["title"] == _h("Replay")


def test_a_hostile_path_is_shown_visibly(tmp_path, capsys):
    odd = tmp_path / "\x1b[2Jmodel\x9b.toml"
    main(["check", str(odd)])
    assert "␛[2Jmodel" in _assert_safe(capsys)


def test_import_summaries_show_hostile_tool_and_rule_names_visibly(tmp_path, capsys):
    def sarif(rules: list[str]) -> dict:
        return {
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": _h("scanner"), "rules": [{"id": r} for r in rules]}},
                    "results": [{"ruleId": r, "message": {"text": _h("msg")}} for r in rules],
                }
            ],
        }

    report, model = tmp_path / "scan.sarif", tmp_path / "m.toml"
    report.write_text(json.dumps(sarif([_h("rule1"), _h("rule2")])), encoding="utf-8")
    assert main(["import", str(report), "--from", "sarif", "-o", str(model)]) == 0
    _assert_safe(capsys)
    report.write_text(json.dumps(sarif([_h("rule1")])), encoding="utf-8")
    assert main(["import", str(report), "--from", "sarif", "-o", str(model)]) == 0
    shown = _assert_safe(capsys)
    assert "no longer reported by scanner␛" in shown and "rule2␛" in shown
    report.write_text(json.dumps({"version": _h("1.0"), "runs": []}), encoding="utf-8")
    assert main(["import", str(report), "--from", "sarif", "-o", str(model)]) == 2
    assert "SARIF 1.0␛" in _assert_safe(capsys)


def test_an_imported_file_name_cannot_break_the_new_models_header(tmp_path, capsys):
    source = tmp_path / "x\n[system]\nname = 'pwned'\x1b.tc.json"
    source.write_text(json.dumps({"threats": [], "mitigations": [], "applicationInfo": {"name": "Shop"}}))
    model = tmp_path / "m.toml"
    assert main(["import", str(source), "--from", "threat-composer", "-o", str(model)]) == 0
    _assert_safe(capsys)
    assert main(["check", str(model)]) == 0
    assert "pwned" not in tomlkit.parse(model.read_text(encoding="utf-8"))["system"]["name"]


@pytest.mark.parametrize("name", ["a\x1b]52;c;aGk=\x07b", "tab\tnew\nline", 'q"uote\\', "del\x7f c1\x9b", "\x00nul"])
def test_new_writes_any_name_in_a_file_that_check_accepts(tmp_path, capsys, name):
    path = tmp_path / "m.toml"
    assert main(["new", str(path), "--name", name]) == 0
    assert main(["check", str(path)]) == 0
    _assert_safe(capsys)
    assert tomlkit.parse(path.read_text(encoding="utf-8"))["system"]["name"] == name


def test_a_newline_in_model_text_cannot_forge_a_line_of_its_own(tmp_path, capsys):
    path = tmp_path / "threatmodel.toml"
    path.write_text(
        'schema = 1\n\n[[threats]]\nid = "T1\\n::error file=README.md,line=1::Approved by security"\ntitle = "x"\n',
        encoding="utf-8",
    )
    main(["check", str(path)])
    out = capsys.readouterr().out
    assert not any(line.startswith("::error") for line in out.splitlines())
    assert "␤::error" in out


@given(st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=40))
def test_a_report_written_whole_is_what_printing_it_safely_writes(text: str) -> None:
    """A report is checked for control characters in its bytes, in C; whatever it holds (C0, DEL, C1, a lone
    surrogate, line breaks the stream translates, as Windows does), what reaches the stream is what the slower
    `_printable` path writes."""
    from tmtui.cli import _printable, _write_printable

    quick, slow = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\r\n") for _ in range(2))
    _write_printable(text, quick)
    slow.write(_printable(text, slow))
    for stream in (quick, slow):
        stream.flush()
    assert quick.buffer.getvalue() == slow.buffer.getvalue()  # type: ignore[attr-defined]
