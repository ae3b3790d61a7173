"""`tmtui suggest`: candidates grouped by element with their reasons, as text or JSON, and the file never written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tmtui import paths
from tmtui.cli import main

MODEL = """\
schema = 1

[[boundaries]]
id = "B1"
name = "Internet"

[[boundaries]]
id = "B2"
name = "VPC"

[[components]]
id = "C1"
name = "Checkout"
kind = "external"
boundary = "B1"

[[components]]
id = "C2"
name = "Payments API"
boundary = "B2"
tags = ["sql"]

[[flows]]
id = "F1"
from = "C1"
to = "C2"
label = "pay"

[[threats]]
id = "T1"
title = "Checkout denies paying"
stride = ["repudiation"]
targets = ["C1"]
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "threatmodel.toml"
    path.write_text(MODEL, encoding="utf-8")
    return path


def test_text_groups_candidates_under_their_element_with_the_reason_below_each(model, capsys):
    before = model.read_bytes()
    code, out, err = run(capsys, "suggest", str(model))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "C1  Checkout"
    assert "  - Someone pretends to be Checkout  [spoofing; stride.spoofing]" in lines
    assert not any("denies" in line for line in lines)  # T1 already raises repudiation on C1
    crossing = lines.index(
        "  - Pay read or changed where it crosses a trust boundary  "
        "[tampering, information disclosure; context.unencrypted-crossing]"
    )
    assert lines[crossing + 1] == (
        "      F1 (Checkout → Payments API) crosses B1 (Internet) → B2 (VPC) and is not marked encrypted."
    )
    assert lines.index("C2  Payments API") < lines.index("F1  pay")
    assert lines[-1].endswith("suggestions; take or rule them out in the app")
    assert model.read_bytes() == before


def test_json_lists_every_candidate_with_its_key_rule_reason_and_mitigations(model, capsys):
    before = model.read_bytes()
    code, out, _ = run(capsys, "suggest", str(model), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert all(set(item) == {"key", "rule", "title", "stride", "targets", "reason", "mitigations"} for item in data)
    by_key = {item["key"]: item for item in data}
    sql = by_key["web.sql-injection:C2"]
    assert sql["targets"] == ["C2"] and "tampering" in sql["stride"]
    assert sql["reason"] == "C2 (Payments API) is tagged sql."
    assert sql["mitigations"] and set(sql["mitigations"][0]) == {"title", "description"}
    assert "context.internet-unauthenticated:C2" in by_key
    assert model.read_bytes() == before


def test_target_keeps_the_candidates_of_one_element_and_an_unknown_one_is_refused(model, capsys):
    code, out, _ = run(capsys, "suggest", str(model), "--target", "F1", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data and all("F1" in item["targets"] for item in data)
    code, out, err = run(capsys, "suggest", str(model), "--target", "T1")
    assert code == 2 and out == ""
    assert err == f"tmtui: {model}: --target 'T1' is not the id of a component or flow in the model\n"


def test_a_model_that_answers_everything_says_so(tmp_path, capsys):
    path = tmp_path / "m.toml"
    path.write_text(
        '[[components]]\nid = "C1"\nname = "Partner"\nkind = "external"\n'
        '[[threats]]\nid = "T1"\ntitle = "x"\nstride = ["spoofing", "repudiation"]\ntargets = ["C1"]\n'
    )
    code, out, _ = run(capsys, "suggest", str(path))
    assert code == 0 and out == "No suggestions: the model answers every one.\n"
    code, out, _ = run(capsys, "suggest", str(path), "--format", "json")
    assert json.loads(out) == []


def test_hostile_names_are_shown_visibly_and_never_sent_to_the_terminal(tmp_path, capsys):
    path = tmp_path / "m.toml"
    path.write_text(
        '[[components]]\nid = "C1"\nname = "Evil\\u001b]52;c;aGk=\\u0007\\nforged line\\u009b"\nkind = "external"\n'
    )
    code, out, _ = run(capsys, "suggest", str(path))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "  - Someone pretends to be Evil␛]52;c;aGk=␇ forged line<U+009B>  [spoofing; stride.spoofing]" in out
    assert not any(line.startswith("forged line") for line in out.splitlines())
    code, out, _ = run(capsys, "suggest", str(path), "--format", "json")
    assert "\x1b" not in out and "\x9b" not in out
    titles = {item["rule"]: item["title"] for item in json.loads(out)}
    assert titles["stride.spoofing"] == "Someone pretends to be Evil\x1b]52;c;aGk=\x07\nforged line\x9b"


def test_a_syntax_error_or_a_missing_file_is_exit_2_with_one_line(tmp_path, capsys):
    broken = tmp_path / "m.toml"
    broken.write_text("[[components]\n")
    code, out, err = run(capsys, "suggest", str(broken))
    assert code == 2 and out == "" and err.startswith(f"tmtui: {broken}:1:") and err.count("\n") == 1
    code, _, err = run(capsys, "suggest", str(tmp_path / "none.toml"))
    assert code == 2 and "no such file" in err


def test_the_users_library_adds_entries_and_a_broken_one_is_named_and_left_out(model, capsys):
    user = paths.config_dir() / "library.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(
        """schema = 1
disable = ["web.sql-injection"]

[[entries]]
id = "ours.ledger-drift"
title = "Ledger of {target} drifts from the bank's"
stride = ["tampering"]
applies_to = ["process"]
tags = ["sql"]
source = "A bug or an insider"
prerequisites = "where {target} books money without reconciling"
action = "change balances"
impact = "money lost without anyone noticing"

[[entries.mitigations]]
title = "Reconcile daily"
description = "Compare our ledger with the bank statement every day."
""",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "suggest", str(model), "--format", "json")
    keys = {item["key"] for item in json.loads(out)}
    assert code == 0 and "ours.ledger-drift:C2" in keys and "web.sql-injection:C2" not in keys
    # A broken user library is named with its line, and the built-in library still suggests.
    user.write_text(user.read_text().replace('stride = ["tampering"]', 'stride = ["tamper"]'))
    code, out, err = run(capsys, "suggest", str(model))
    assert code == 0 and "web.sql-injection" in out and "ours.ledger-drift" not in out
    assert err.startswith(f"tmtui: warning: {user}: line 4: entry 1 (ours.ledger-drift): stride has 'tamper'")
    assert err.count("\n") == 1
    user.write_text("schema = 1\n[[entries]\n")
    code, out, err = run(capsys, "suggest", str(model))
    assert code == 0 and out and err.startswith(f"tmtui: warning: {user}: line 2:") and err.count("\n") == 1


def test_the_report_lists_threats_ruled_out_with_their_reason_escaped(tmp_path, capsys):
    path = tmp_path / "m.toml"
    path.write_text(
        '[[components]]\nid = "C1"\nname = "Partner"\nkind = "external"\n'
        '[[threats]]\nid = "T1"\ntitle = "Someone pretends to be Partner"\nstatus = "not_applicable"\n'
        'rule = "stride.spoofing"\ntargets = ["C1"]\nnotes = "They sign | every call\\nwith <b>mTLS</b>\\u001b[2J"\n'
        '[[threats]]\nid = "T2"\ntitle = "Still open"\ntargets = ["C1"]\n'
    )
    code, out, _ = run(capsys, "export", str(path))
    assert code == 0
    section = out.split("### Considered and ruled out\n", 1)[1].split("\n## ", 1)[0]
    assert section.strip().splitlines()[2:] == [
        "| T1 | Someone pretends to be Partner | C1 | They sign \\| every call<br>with \\<b\\>mTLS\\</b\\>\\[2J |"
    ]


def test_the_report_has_no_ruled_out_section_when_nothing_was_ruled_out(model, capsys):
    code, out, _ = run(capsys, "export", str(model))
    assert code == 0 and "Considered and ruled out" not in out


def test_a_model_without_components_or_flows_is_told_where_suggestions_start(tmp_path, capsys):
    path = tmp_path / "m.toml"
    path.write_text('[[threats]]\nid = "T1"\ntitle = "Imported from a list"\n')
    code, out, _ = run(capsys, "suggest", str(path))
    assert code == 0
    assert out == "No suggestions: they start from components and flows, and the model has none yet.\n"
