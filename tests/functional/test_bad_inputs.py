"""Every bad input to the command line: one clear line, its exit code, and nothing on disk changed.

Each case builds its files in a fresh folder, runs one command, and checks the exit code, a fragment of the
message, that stderr holds one line and no traceback, that every file in the folder is byte for byte as before,
and that no file was added (no stray temp file, no half-written output).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tmtui.cli import main
from tmtui.document.source import MAX_MODEL_BYTES, MAX_NESTING

MODEL = 'schema = 1\n\n[system]\nname = "Shop"\n\n[[threats]]\nid = "T1"\ntitle = "Replay"\n'
TC = json.dumps({"threats": [{"id": "t1", "threatAction": "replay"}], "mitigations": [], "applicationInfo": {}})


def _model(folder: Path) -> None:
    (folder / "m.toml").write_text(MODEL, encoding="utf-8")


def _read_only_model(folder: Path) -> None:
    _model(folder)
    (folder / "m.toml").chmod(0o444)
    (folder / "tc.json").write_text(TC, encoding="utf-8")


def _deep_arrays(folder: Path) -> None:
    _model(folder)
    (folder / "deep.toml").write_text("a = " + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")


def _dotted_keys(folder: Path) -> None:
    (folder / "deep.toml").write_text(".".join(["a"] * 100_000) + " = 1\n", encoding="utf-8")


def _dotted_header(folder: Path) -> None:
    (folder / "deep.toml").write_text("[" + ".".join(["a"] * 100_000) + "]\nb = 1\n", encoding="utf-8")


def _inline_tables(folder: Path) -> None:
    (folder / "deep.toml").write_text("a = " + "{b = " * 500 + "1" + "}" * 500 + "\n", encoding="utf-8")


def _long_number(folder: Path) -> None:
    (folder / "big.toml").write_text("schema = 1\nn = " + "9" * 5000 + "\n", encoding="utf-8")


def _long_schema(folder: Path) -> None:
    (folder / "big.toml").write_text("schema = 9" + "0" * 4000 + "\n", encoding="utf-8")


def _too_large(folder: Path) -> None:
    with open(folder / "big.toml", "wb") as handle:  # sparse: no 50 MB actually written
        handle.truncate(MAX_MODEL_BYTES + 1)


def _with_json(name: str, text: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        _model(folder)
        (folder / name).write_text(text, encoding="utf-8")

    return make


def _link_to_model(folder: Path) -> None:
    _model(folder)
    (folder / "link.md").symlink_to(folder / "m.toml")


def _read_only_output(folder: Path) -> None:
    _model(folder)
    (folder / "out.md").write_text("keep me\n", encoding="utf-8")
    (folder / "out.md").chmod(0o444)


def _subfolder(folder: Path) -> None:
    _model(folder)
    (folder / "sub").mkdir()


def _fifo(folder: Path) -> None:
    _model(folder)
    os.mkfifo(folder / "pipe")
    (folder / "tc.json").write_text(TC, encoding="utf-8")


@dataclass
class Case:
    name: str
    args: list[str]  # "{d}" stands for the case's folder
    setup: Callable[[Path], None]
    code: int
    message: str
    subprocess: bool = False  # only where a regression would hang the test run (a FIFO)


CASES = [
    Case("check a folder", ["check", "{d}"], _model, 2, "folder"),
    Case("check a character device", ["check", "/dev/zero"], _model, 2, "not a regular file"),
    Case("check /dev/null", ["check", "/dev/null"], _model, 2, "not a regular file"),
    Case("check a file over the size limit", ["check", "{d}/big.toml"], _too_large, 2, "too large: more than 50 MB"),
    Case("check 2,000 nested arrays", ["check", "{d}/deep.toml"], _deep_arrays, 2, "too deeply nested"),
    Case("check 100k dotted keys", ["check", "{d}/deep.toml"], _dotted_keys, 2, "too deeply nested"),
    Case("check a 100k-part table header", ["check", "{d}/deep.toml"], _dotted_header, 2, "too deeply nested"),
    Case("check 500 nested inline tables", ["check", "{d}/deep.toml"], _inline_tables, 2, "too deeply nested"),
    Case("check a 4,000-digit schema", ["check", "{d}/big.toml"], _long_schema, 2, "this file uses schema 9000"),
    Case("check a 5,000-digit number", ["check", "{d}/big.toml"], _long_number, 1, "number too long"),
    Case("export deep nesting", ["export", "{d}/deep.toml"], _deep_arrays, 2, "too deeply nested"),
    Case("diff a device", ["diff", "/dev/zero", "{d}/m.toml"], _model, 2, "not a regular file"),
    Case("diff deep nesting", ["diff", "{d}/m.toml", "{d}/deep.toml"], _deep_arrays, 2, "too deeply nested"),
    Case("export onto its input", ["export", "{d}/m.toml", "-o", "{d}/m.toml"], _model, 2, "is the input file"),
    Case(
        "export onto its input through a link",
        ["export", "{d}/m.toml", "-o", "{d}/link.md"],
        _link_to_model,
        2,
        "is the input file",
    ),
    Case(
        "export onto a read-only file", ["export", "{d}/m.toml", "-o", "{d}/out.md"], _read_only_output, 2, "read-only"
    ),
    Case("export onto a folder", ["export", "{d}/m.toml", "-o", "{d}/sub"], _subfolder, 2, "folder"),
    Case("export onto a device", ["export", "{d}/m.toml", "-o", "/dev/null"], _model, 2, "not a regular file"),
    Case("export into a missing folder", ["export", "{d}/m.toml", "-o", "{d}/no/out.md"], _model, 2, "no such folder"),
    Case(
        "import onto a read-only model",
        ["import", "{d}/tc.json", "--from", "threat-composer", "-o", "{d}/m.toml"],
        _read_only_model,
        2,
        "read-only",
    ),
    Case(
        "import onto its input",
        ["import", "{d}/m.toml", "--from", "sarif", "-o", "{d}/m.toml"],
        _model,
        2,
        "is the input file",
    ),
    Case(
        "import a device",
        ["import", "/dev/zero", "--from", "sarif", "-o", "{d}/m.toml"],
        _model,
        2,
        "not a regular file",
    ),
    Case("import a folder", ["import", "{d}/sub", "--from", "sarif", "-o", "{d}/m.toml"], _subfolder, 2, "folder"),
    Case(
        "import deeply nested JSON",
        ["import", "{d}/x.json", "--from", "sarif", "-o", "{d}/m.toml"],
        _with_json("x.json", "[" * 100_000),
        2,
        "too deeply nested",
    ),
    Case(
        "import a 5,000-digit JSON number",
        ["import", "{d}/x.json", "--from", "sarif", "-o", "{d}/m.toml"],
        _with_json("x.json", "9" * 5000),
        2,
        "number too long",
    ),
    Case(
        "import into a folder",
        ["import", "{d}/x.json", "--from", "threat-composer", "-o", "{d}/sub"],
        lambda d: (_subfolder(d), _with_json("x.json", TC)(d)),
        2,
        "folder",
    ),
    Case("new over a file", ["new", "{d}/m.toml"], _model, 2, "already exists"),
    Case(
        "new with a name that is not UTF-8", ["new", "{d}/n.toml", "--name", "caf\udce9"], _model, 2, "not valid UTF-8"
    ),
    Case("restore without backups", ["restore", "{d}/m.toml"], _model, 2, "no backups"),
    Case("check a FIFO", ["check", "{d}/pipe"], _fifo, 2, "named pipe", subprocess=True),
    Case("diff a FIFO", ["diff", "{d}/pipe", "{d}/m.toml"], _fifo, 2, "named pipe", subprocess=True),
    Case("export onto a FIFO", ["export", "{d}/m.toml", "-o", "{d}/pipe"], _fifo, 2, "named pipe", subprocess=True),
    Case(
        "import a FIFO",
        ["import", "{d}/pipe", "--from", "sarif", "-o", "{d}/m.toml"],
        _fifo,
        2,
        "named pipe",
        subprocess=True,
    ),
    Case(
        "import onto a FIFO",
        ["import", "{d}/tc.json", "--from", "threat-composer", "-o", "{d}/pipe"],
        _fifo,
        2,
        "named pipe",
        subprocess=True,
    ),
]


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of the folder: a file's bytes, or what it is (a link's target, a pipe, a folder)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path)] = f"link to {os.readlink(path)}"
        elif path.is_fifo():
            found[str(path)] = "fifo"
        elif path.is_dir():
            found[str(path)] = "folder"
        else:
            found[str(path)] = path.read_bytes()
    return found


def _run_in_subprocess(args: list[str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "tmtui", *args],
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ, "TMTUI_DEBUG": ""},
    )
    return done.returncode, done.stderr


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bad_input_gets_one_line_and_changes_nothing(case: Case, tmp_path: Path, capsys) -> None:
    case.setup(tmp_path)
    before = _snapshot(tmp_path)
    args = [arg.replace("{d}", str(tmp_path)) for arg in case.args]
    if case.subprocess:
        code, err = _run_in_subprocess(args)
    else:
        code = main(args)
        out, err = capsys.readouterr()
        err = out + err
    assert code == case.code, err
    assert case.message in err
    assert "Traceback" not in err and "internal error" not in err
    if case.code == 2:
        assert err.count("\n") == 1 and len(err) < 1200, err
    assert _snapshot(tmp_path) == before


def test_the_nesting_limit_is_the_documented_one(tmp_path: Path, capsys) -> None:
    """A model exactly at the limit reads; one level more is refused."""
    at_limit = tmp_path / "at.toml"
    at_limit.write_text("a = " + "[" * MAX_NESTING + "]" * MAX_NESTING + "\n", encoding="utf-8")
    assert main(["check", str(at_limit)]) == 0
    beyond = tmp_path / "beyond.toml"
    beyond.write_text("a = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "\n", encoding="utf-8")
    assert main(["check", str(beyond)]) == 2
    assert f"more than {MAX_NESTING} levels" in capsys.readouterr().err


def test_brackets_and_dots_inside_strings_and_comments_are_not_nesting(tmp_path: Path, capsys) -> None:
    deep = "[" * 500 + "." * 500
    path = tmp_path / "m.toml"
    path.write_text(
        f'# {deep}\nschema = 1\n[system]\nname = "{deep}"\ndescription = """\n{deep}\n"""\n'
        f"owners = ['{deep}', '''{deep}''']\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 0, capsys.readouterr()


def test_an_internal_error_is_one_short_line_even_when_it_quotes_a_whole_model(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    path = tmp_path / "m.toml"
    path.write_text(MODEL, encoding="utf-8")

    def broken(model: object) -> str:
        raise ValueError("\x1b[2J" + "x" * 100_000)

    monkeypatch.setattr("tmtui.exchange.markdown.to_markdown", broken)
    assert main(["export", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tmtui: internal error:") and err.count("\n") == 1
    assert len(err) < 500 and "\x1b" not in err


def test_import_onto_a_link_to_its_own_input_is_refused(tmp_path: Path, capsys) -> None:
    source = tmp_path / "tc.json"
    source.write_text(TC, encoding="utf-8")
    (tmp_path / "model.toml").symlink_to(source)
    assert main(["import", str(source), "--from", "threat-composer", "-o", str(tmp_path / "model.toml")]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert source.read_text(encoding="utf-8") == TC
