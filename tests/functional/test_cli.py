"""The command line on good and bad input: exit codes, clear one-line messages, files untouched."""

import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tmtui.cli import main
from tmtui.state import back_up, backups_of


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str | bytes, name: str = "m.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_help_lists_every_command_and_each_command_has_its_own_help(capsys):
    """A command's parser is made only when that command runs: the full help still lists them all."""
    from tmtui.cli import COMMANDS

    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    for command in COMMANDS:
        assert f"    {command} " in listed
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert capsys.readouterr().out.startswith(f"usage: tmtui {command}")


# ---- new ---------------------------------------------------------------------------------------------------


def test_new_writes_a_starter_that_checks_clean_and_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "threatmodel.toml"
    code, out, _ = run(capsys, "new", str(path), "--name", 'Shop "Deluxe" \\ \u00e9')
    assert code == 0 and "Wrote" in out
    text = path.read_text()
    assert "What could go wrong?" in text and "# " in text
    assert tomllib.loads(text)["system"]["name"] == 'Shop "Deluxe" \\ \u00e9'
    assert run(capsys, "check", str(path))[0] == 0
    before = path.read_bytes()
    code, _, err = run(capsys, "new", str(path))
    assert code == 2 and "already exists" in err
    assert path.read_bytes() == before


# ---- check -------------------------------------------------------------------------------------------------


def test_check_passes_a_clean_model(commented_file, capsys):
    code, out, err = run(capsys, "check", str(commented_file))
    assert (code, out) == (0, "")
    assert "0 errors, 0 warnings" in err


def test_check_reports_syntax_errors_with_line_and_column(tmp_path, capsys):
    path = write(tmp_path, 'schema = 1\n[system]\nname = "unterminated\n')
    before = path.read_bytes()
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert out.startswith(f"{path}:3:")
    assert "error: TOML syntax" in out
    assert path.read_bytes() == before


def test_check_refuses_a_schema_from_the_future(tmp_path, capsys):
    path = write(tmp_path, "schema = 9\n")
    code, _, err = run(capsys, "check", str(path))
    assert code == 2
    assert "schema 9" in err and "upgrade tmtui" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        (b"name = '\xff\xfe'\n", "not UTF-8"),
    ],
)
def test_check_refuses_garbage_with_one_line(tmp_path, capsys, content, message):
    path = write(tmp_path, content)
    code, _, err = run(capsys, "check", str(path))
    assert code == 2 and message in err and "Traceback" not in err
    assert path.read_bytes() == content


def test_check_on_a_missing_file_or_a_folder(tmp_path, capsys):
    code, _, err = run(capsys, "check", str(tmp_path / "nope.toml"))
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2 and "folder" in err


def test_check_reports_dangling_duplicate_and_bad_values_on_their_lines(tmp_path, capsys):
    path = write(
        tmp_path,
        '[[components]]\nid = "C1"\nname = "Web"\nkind = "server"\n\n'
        '[[components]]\nid = "C1"\nname = "Again"\n\n'
        '[[threats]]\nid = "T1"\ntitle = "x"\ntargets = ["C9"]\nlikelihood = "sometimes"\n',
    )
    code, out, err = run(capsys, "check", str(path))
    assert code == 1
    lines = out.splitlines()
    assert f"{path}:4: error: C1.kind: kind 'server' is not one of process, store, external" in lines
    assert f"{path}:2: error: C1.id: duplicate id C1" in lines
    assert f"{path}:7: error: C1.id: duplicate id C1" in lines
    assert any(line.startswith(f"{path}:13: error: T1.targets: targets names C9") for line in lines)
    assert any(line.startswith(f"{path}:14: error: T1.likelihood:") for line in lines)
    assert "5 errors" in err


def test_warnings_pass_unless_strict(tmp_path, capsys):
    path = write(tmp_path, '[[threats]]\nid = "T1"\ntitle = "x"\nstatus = "mitigated"\n')
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and "warning: T1.status" in out
    assert run(capsys, "check", str(path), "--strict")[0] == 1


def test_fail_on_fails_for_open_threats_at_or_above_the_risk(tmp_path, capsys):
    path = write(
        tmp_path,
        '[[threats]]\nid = "T1"\ntitle = "a"\nlikelihood = "medium"\nseverity = "high"\n\n'
        '[[threats]]\nid = "T2"\ntitle = "b"\nlikelihood = "high"\nseverity = "high"\nstatus = "accepted"\n',
    )
    code, out, _ = run(capsys, "check", str(path), "--fail-on", "high")
    assert code == 1 and "T1: open threat with high risk" in out and "T2" not in out
    assert run(capsys, "check", str(path), "--fail-on", "critical")[0] == 0


def test_fail_on_names_each_open_threat_that_fails_with_its_title_shown_safely(tmp_path, capsys):
    path = write(
        tmp_path,
        '[[threats]]\nid = "T1"\ntitle = "Replay \\u001b[2J of a charge"\nlikelihood = "high"\nseverity = "high"\n\n'
        '[[threats]]\nid = "T2"\ntitle = "Card dump"\nlikelihood = "high"\nseverity = "medium"\n',
    )
    code, out, err = run(capsys, "check", str(path), "--fail-on", "high")
    assert code == 1
    assert [line for line in out.splitlines() if ": error: " in line] == [
        f"{path}: error: T1: open threat with critical risk (--fail-on high): Replay \u241b[2J of a charge",
        f"{path}: error: T2: open threat with high risk (--fail-on high): Card dump",
    ]
    assert "2 open threats at high risk or above" in err


def test_fail_on_refuses_an_unknown_risk(commented_file, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(commented_file), "--fail-on", "severe"])
    assert exit_info.value.code == 2
    assert "expected one of note, low, medium, high, critical" in capsys.readouterr().err


# ---- export ------------------------------------------------------------------------------------------------


def test_export_markdown_to_stdout_and_json_to_a_file(commented_file, tmp_path, capsys):
    code, out, _ = run(capsys, "export", str(commented_file))
    assert code == 0 and out.startswith("# Threat model: Shop\n")
    target = tmp_path / "report.json"
    code, _, err = run(capsys, "export", str(commented_file), "--format", "json", "-o", str(target))
    assert code == 0 and "Wrote" in err
    assert '"risk": "critical"' in target.read_text()


def test_export_of_a_model_with_problems_still_writes_and_says_so(tmp_path, capsys):
    path = write(tmp_path, '[[threats]]\nid = "T1"\ntitle = "x"\ntargets = ["C9"]\n')
    code, out, err = run(capsys, "export", str(path))
    assert code == 0 and out.startswith("# Threat model")
    assert "exported with 1 problem; see: tmtui check" in err


def test_export_of_a_broken_file_is_one_line_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, "[system\n")
    target = tmp_path / "out.md"
    code, out, err = run(capsys, "export", str(path), "-o", str(target))
    assert code == 2 and f"{path}:1:" in err and out == ""
    assert not target.exists()


# ---- start-up ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "heavy"),
    [
        ("check", ("textual", "tomlkit", "argparse", "pathlib")),  # as CI runs it, argparse and pathlib too
        ("export", ("textual", "tomlkit", "argparse", "pathlib")),
        ("stats", ("textual", "tomlkit")),
    ],
)
def test_commands_that_do_not_open_the_app_import_neither_textual_nor_tomlkit(commented_file, command, heavy):
    probe = (
        "import sys\n"
        "from tmtui.cli import main\n"
        f"main([{command!r}, {str(commented_file)!r}])\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert "HEAVY=" in result.stderr
    assert result.stderr.rsplit("HEAVY=", 1)[1] == ""


@pytest.mark.parametrize(("command", "collects"), [("check", False), ("export", False), ("new", True)])
def test_only_commands_that_read_and_exit_turn_the_garbage_collector_off(tmp_path, commented_file, command, collects):
    """Reading commands keep all they allocate to the end, so collecting is wasted work; a command that edits files
    with tomlkit (whose trees hold cycles) keeps collecting."""
    target = commented_file if command != "new" else tmp_path / "new.toml"
    probe = (
        "import gc, sys\n"
        "from tmtui.cli import main\n"
        "import tmtui.cli\n"
        "during = []\n"
        "real = tmtui.cli._dispatch\n"
        "tmtui.cli._dispatch = lambda options: during.append(gc.isenabled()) or real(options)\n"
        f"main([{command!r}, {str(target)!r}])\n"
        "sys.stderr.write(f'COLLECTS={during[0]} AFTER={gc.isenabled()}')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.stderr.rsplit("COLLECTS=", 1)[1] == f"{collects} AFTER=True"  # and as it was for the caller


def test_python_dash_m_runs_the_command_line(commented_file):
    result = subprocess.run(
        [sys.executable, "-m", "tmtui", "check", str(commented_file)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_demo_copies_the_bundled_model_into_the_data_folder_and_keeps_the_users_copy():
    from tmtui.cli import demo_path
    from tmtui.paths import bundled

    path = demo_path()
    assert path.read_bytes() == bundled("demo.toml")
    path.write_text(path.read_text() + "\n# mine\n")
    assert demo_path().read_text().endswith("# mine\n")
    assert demo_path(reset=True).read_bytes() == bundled("demo.toml")


def test_the_bundled_demo_checks_clean_and_uses_every_record_type(capsys):
    from tmtui.cli import demo_path
    from tmtui.model import RECORD_TYPES, ThreatStatus

    path = demo_path()
    code, out, _ = run(capsys, "check", str(path), "--strict")
    assert (code, out) == (0, "")
    data = tomllib.loads(path.read_text())
    assert all(data.get(t.KIND) for t in RECORD_TYPES)
    statuses = {t.get("status") for t in data["threats"]}
    assert {ThreatStatus.OPEN, ThreatStatus.MITIGATED, ThreatStatus.ACCEPTED} <= statuses


# ---- import ------------------------------------------------------------------------------------------------

EXCHANGE = Path(__file__).parent.parent / "fixtures" / "exchange"


def test_import_writes_a_new_model_that_checks_clean(tmp_path, capsys):
    target = tmp_path / "new.toml"
    code, out, _ = run(
        capsys, "import", str(EXCHANGE / "small.tc.json"), "--from", "threat-composer", "-o", str(target)
    )
    assert code == 0
    assert "Threat Composer: 2 assets, 1 assumption, 2 threats, 2 mitigations, 8 links; 2 images not copied" in out
    assert f"Wrote {target}" in out
    assert target.read_text().startswith("# Threat model imported from Threat Composer (small.tc.json) by tmtui.\n")
    assert run(capsys, "check", str(target), "--strict")[0] == 0


def test_import_into_a_commented_model_keeps_every_comment_and_continues_the_ids(
    commented_file, commented_text, capsys
):
    code, out, _ = run(capsys, "import", str(EXCHANGE / "scan.sarif"), "--from", "sarif", "-o", str(commented_file))
    assert code == 0 and f"Extended {commented_file}" in out
    after = commented_file.read_text()
    for line in commented_text.splitlines():
        if line.lstrip().startswith("#") or "#" in line:
            assert line in after
    data = tomllib.loads(after)
    assert [t["id"] for t in data["threats"]] == ["T1", "T2", "T3", "T4", "T5", "T6"]
    assert data["system"]["name"] == "Shop"  # what the person wrote is kept
    assert after.index('id = "T6"') < after.index("# ---- Mitigations ----")
    code, out, _ = run(capsys, "import", str(EXCHANGE / "scan.sarif"), "--from", "sarif", "-o", str(commented_file))
    assert code == 0 and "nothing changed" in out


@pytest.mark.parametrize(
    ("name", "content", "source", "message"),
    [
        ("x.json", b"not json", "threat-composer", "not JSON"),
        ("x.json", b'{"runs": []}', "threat-dragon", "not a Threat Dragon model"),
        ("x.json", b'{"a": ' * 100 + b"1" + b"}" * 100, "sarif", "nested"),
        ("x.json", b"\xff\xfe\x00garbage", "sarif", "not UTF-8"),
    ],
)
def test_import_refuses_bad_input_and_writes_nothing(tmp_path, capsys, name, content, source, message):
    source_file = write(tmp_path, content, name)
    target = tmp_path / "model.toml"
    code, out, err = run(capsys, "import", str(source_file), "--from", source, "-o", str(target))
    assert code == 2 and message in err and "nothing written" in err and out == ""
    assert not target.exists()


def test_import_refuses_to_extend_a_broken_model(tmp_path, capsys):
    target = write(tmp_path, "[system\n", "model.toml")
    code, _, err = run(
        capsys, "import", str(EXCHANGE / "small.tc.json"), "--from", "threat-composer", "-o", str(target)
    )
    assert code == 2 and "nothing written" in err
    assert target.read_text() == "[system\n"


def test_export_threat_composer(commented_file, capsys):
    code, out, _ = run(capsys, "export", str(commented_file), "--format", "threat-composer")
    assert code == 0
    import json

    data = json.loads(out)
    assert data["schema"] == 1 and len(data["threats"]) == 3


def test_diff_between_two_versions(commented_file, tmp_path, capsys):
    newer = write(
        tmp_path,
        commented_file.read_text().replace('title = "Brute force"', 'title = "Credential stuffing"'),
        "newer.toml",
    )
    code, out, err = run(capsys, "diff", str(commented_file), str(newer))
    assert code == 0
    assert out.splitlines() == ["~ T3 Credential stuffing", '    title: "Brute force" → "Credential stuffing"']
    assert "0 added, 0 removed, 1 changed" in err
    code, out, err = run(capsys, "diff", str(commented_file), str(commented_file))
    assert (code, out) == (0, "") and "No changes." in err


# ---- restore -----------------------------------------------------------------------------------------------


def _backed_up_versions(path: Path, count: int) -> None:
    """`count` backups of `path`, the n-th holding n threats."""
    for number in range(1, count + 1):
        threats = "".join(f'[[threats]]\nid = "T{n}"\ntitle = "x"\n' for n in range(1, number + 1))
        path.write_text(f"schema = 1\n{threats}", encoding="utf-8")
        back_up(path)


def test_restore_lists_backups_newest_first_with_time_size_and_threats(tmp_path, capsys, monkeypatch):
    path = tmp_path / "m.toml"
    _backed_up_versions(path, 3)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    before = path.read_bytes()
    code, out, err = run(capsys, "restore", str(path))
    assert code == 0 and f"tmtui restore {path} NUMBER" in err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2", "3"]
    assert [line.split()[-2:] for line in lines] == [["3", "threats"], ["2", "threats"], ["1", "threats"]]
    assert all("bytes" in line for line in lines)
    assert path.read_bytes() == before


def test_restore_number_puts_that_backup_back_and_keeps_the_current_file_as_a_backup(tmp_path, capsys):
    path = tmp_path / "m.toml"
    path.write_text("schema = 1\n# first\n", encoding="utf-8")
    back_up(path)
    path.write_text("schema = 1\n# second\n", encoding="utf-8")
    code, out, _ = run(capsys, "restore", str(path), "1")
    assert code == 0 and "Restored" in out
    assert path.read_text() == "schema = 1\n# first\n"
    assert backups_of(path)[0].path.read_text() == "schema = 1\n# second\n"


def test_restore_asks_which_one_at_a_terminal(tmp_path, capsys, monkeypatch):
    path = tmp_path / "m.toml"
    path.write_text("schema = 1\n# first\n", encoding="utf-8")
    back_up(path)
    path.write_text("schema = 1\n# second\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "")
    assert run(capsys, "restore", str(path))[0] == 0
    assert path.read_text() == "schema = 1\n# second\n"  # Enter restores nothing
    monkeypatch.setattr("builtins.input", lambda prompt: "1")
    assert run(capsys, "restore", str(path))[0] == 0
    assert path.read_text() == "schema = 1\n# first\n"


@pytest.mark.parametrize("choice", ["0", "9", "-1"])
def test_restore_refuses_a_number_that_is_not_in_the_list(tmp_path, capsys, choice):
    path = tmp_path / "m.toml"
    _backed_up_versions(path, 2)
    before = path.read_bytes()
    code, _, err = run(capsys, "restore", str(path), "--", choice)
    assert code == 2 and err.count("\n") == 1
    assert path.read_bytes() == before


def test_restore_refuses_a_typed_answer_that_is_not_a_number(tmp_path, capsys, monkeypatch):
    path = tmp_path / "m.toml"
    _backed_up_versions(path, 2)
    before = path.read_bytes()
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "\x1b[2Jlatest")
    code, _, err = run(capsys, "restore", str(path))
    assert code == 2 and "not a number" in err and "\x1b" not in err
    assert path.read_bytes() == before


# ---- stats -------------------------------------------------------------------------------------------------


def test_stats_prints_the_figures_of_pane_four(commented_file, capsys):
    code, out, err = run(capsys, "stats", str(commented_file))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Threats       3: 3 open"
    assert "Open          3, 1 of them at high risk or above" in lines
    assert "Coverage      10% of 10 element × STRIDE checks considered (0 answered, 1 open, 9 not yet)" in lines
    assert "Last review   R1 2026-01-02" in lines
    assert lines[-1].startswith("Since then    threats 3 → 3 · open 3 → 3 · open at high risk or above ? → 1")


def test_stats_as_json_for_scripts(commented_file, capsys):
    import json

    code, out, _ = run(capsys, "stats", str(commented_file), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["threats"], data["open"], data["mitigated_percent"]) == (3, 3, 0)
    assert data["by_risk"]["critical"] == 1 and data["by_status"]["open"] == 3
    assert data["coverage"]["percent"] == 10 and data["coverage"]["elements_without_threats"] == []
    assert data["last_review"]["id"] == "R1"


def test_stats_defaults_to_the_model_here_and_shows_model_text_safely(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, '[[components]]\nid = "C\\u001b]52;c;x\\u0007"\nname = "x"\nboundary = "B9"\n', "threatmodel.toml")
    code, out, err = run(capsys, "stats")
    assert code == 0 and "\x1b" not in out and "C\u241b]52;c;x\u2407" in out
    assert "1 problem in the model" in err  # a dangling boundary: stats says so, and still counts
    code, out, _ = run(capsys, "stats", "--format", "json")
    assert code == 0 and "\x1b" not in out and "\\u001b" in out


def test_stats_of_a_missing_or_broken_model_is_one_line(tmp_path, capsys):
    code, out, err = run(capsys, "stats", str(tmp_path / "nope.toml"))
    assert code == 2 and out == "" and err.count("\n") == 1
    path = write(tmp_path, "[system\n")
    code, out, err = run(capsys, "stats", str(path))
    assert code == 2 and out == "" and f"{path}:1:" in err


def test_a_reader_that_stops_early_gets_no_error_message(tmp_path: Path) -> None:
    """`tmtui check FILE | head -1`: the pipe closes while findings are still being printed."""
    path = tmp_path / "threatmodel.toml"
    path.write_text("".join(f'[[threats]]\nid = "T{n}"\ntitle = "x"\nstatus = "mitigated"\n\n' for n in range(3000)))
    shell = f"{shlex.quote(sys.executable)} -m tmtui check {shlex.quote(str(path))} | head -1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, timeout=120)
    assert result.stdout.count("\n") == 1
    assert "internal error" not in result.stderr and "Broken" not in result.stderr
    assert result.returncode == 1  # not a clean check: it did not finish


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_keys_typed_while_the_app_starts_reach_it_as_typed_and_the_terminal_is_restored():
    """Enter typed before Textual takes the terminal stays Enter (a shell's terminal turns it into Ctrl+J and
    holds keys until Enter); afterwards the terminal is as it was."""
    import os
    import pty
    import termios

    from tmtui.cli import keys_as_typed

    master, slave = pty.openpty()
    try:
        with os.fdopen(slave, "r", closefd=False) as terminal:
            before = termios.tcgetattr(slave)
            with keys_as_typed(terminal) as typed_ahead:
                assert typed_ahead == ""
                os.write(master, b"2\r")
                assert os.read(slave, 10) == b"2\r"  # readable at once, Enter kept
            assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_keys_typed_before_python_started_are_handed_to_the_app_with_enter_as_enter():
    """`tmtui`, then `2`, Enter and `j` typed while Python starts: the shell's terminal has already made that
    Enter a newline (Ctrl+J to the app) and held `j` until a next Enter. They come out of the switch as typed,
    and nothing of them stays behind to be read twice."""
    import os
    import pty
    import termios

    from tmtui.cli import keys_as_typed

    master, slave = pty.openpty()
    try:
        cooked = termios.tcgetattr(slave)
        cooked[0] |= termios.ICRNL
        cooked[3] |= termios.ICANON | termios.ECHO
        termios.tcsetattr(slave, termios.TCSANOW, cooked)
        os.write(master, "2\ré".encode() + b"j")
        with os.fdopen(slave, "r", closefd=False) as terminal, keys_as_typed(terminal) as typed_ahead:
            assert typed_ahead == "2\réj"
            os.write(master, b"3")
            assert os.read(slave, 10) == b"3"  # what comes later is left for the app's own reading
        assert termios.tcgetattr(slave) == cooked
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_keys_typed_ahead_end_with_a_whole_character_and_ctrl_q_stays_a_key(monkeypatch):
    """What is taken off the terminal ends with a whole UTF-8 character, though the limit cuts one in two: the
    rest of a character left to Textual's strict reader stopped the app. Flow control is off from the switch, so
    a Ctrl+Q typed then reaches the app (as its quit key) instead of the terminal."""
    import os
    import pty
    import termios

    from tmtui import cli

    monkeypatch.setattr(cli, "TYPED_AHEAD_LIMIT", 6)  # "ab€" and the first byte of the next "€"
    master, slave = pty.openpty()
    try:
        os.write(master, "ab€€".encode())
        with os.fdopen(slave, "r", closefd=False) as terminal, cli.keys_as_typed(terminal) as typed_ahead:
            assert typed_ahead == "ab€€"
            assert not termios.tcgetattr(slave)[0] & termios.IXON
            os.write(master, b"\x11")
            assert os.read(slave, 10) == b"\x11"
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize(
    ("data", "missing"),
    [
        (b"", 0),
        (b"a", 0),
        (b"\xe2", 2),
        (b"\xe2\x82", 1),
        (b"a\xe2\x82\xac", 0),
        (b"\xf0\x9f", 2),
        (b"\xc3", 1),
        (b"\x82\x82", 0),
    ],
)
def test_missing_bytes_of_the_last_character(data: bytes, missing: int):
    from tmtui.cli import _missing_bytes

    assert _missing_bytes(data) == missing
