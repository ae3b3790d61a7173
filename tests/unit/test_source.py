"""The one reader of model and import files: regular files only, a size limit held while reading, and a
nesting limit found by a linear scan before any parser recurses."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmtui.document.read import load_text
from tmtui.document.source import (
    MAX_NESTING,
    TooDeepError,
    UnreadableError,
    check_depth,
    check_nesting,
    decode,
    may_hold_control,
    read_regular,
)
from tmtui.model.text import has_control


def test_the_size_limit_holds_for_bytes_read_even_when_the_file_said_it_was_small(tmp_path, monkeypatch):
    """A file that grows after it was looked at (or a size that lies) is still cut at the limit."""
    path = tmp_path / "growing.toml"
    path.write_bytes(b"x" * 100)
    real_fstat = os.fstat

    def small(fd: int) -> os.stat_result:
        info = list(real_fstat(fd))
        info[6] = 0  # st_size
        return os.stat_result(info)

    monkeypatch.setattr("tmtui.document.source.os.fstat", small)
    with pytest.raises(UnreadableError, match="too large"):
        read_regular(path, limit=99)
    assert read_regular(path, limit=100) == b"x" * 100


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(UnreadableError, match="named pipe"):
        read_regular(tmp_path / "pipe")


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1),
        "a = " + "{b = " * (MAX_NESTING + 1) + "1" + "}" * (MAX_NESTING + 1),
        ".".join(["k"] * (MAX_NESTING + 2)) + " = 1",  # the last part is the value's key, not a table
        "[" + ".".join(["k"] * (MAX_NESTING + 1)) + "]",
        "[[" + ".".join(["k"] * (MAX_NESTING + 1)) + "]]",
        "[" + ".".join(["k"] * (MAX_NESTING - 1)) + "]\na.b.c = 1",  # a table's depth counts for its keys
        "a = [" + "{b = [" * (MAX_NESTING // 2 + 1) + "]}" * (MAX_NESTING // 2 + 1) + "]",
    ],
)
def test_nesting_beyond_the_limit_is_found(text):
    with pytest.raises(TooDeepError):
        check_nesting(text)


@pytest.mark.parametrize(
    "text",
    [
        "a = [" + ", ".join(["1.5"] * 1000) + "]",  # floats are values, not dotted keys
        "x = {" + ", ".join(f"k{i}.v = 1" for i in range(1000)) + "}",  # each key's dots counted alone
        "[t]\n" + "".join(f"a{i}.b.c = 1\n" for i in range(1000)),
        'a = "' + "[." * 1000 + "\"\nb = '" + "{." * 1000 + "'",
        'a = """\n' + "[" * 1000 + "\n\"\"\"\nb = '''\n" + "{" * 1000 + "\n'''",
        "# " + "[" * 1000 + "\n" + '"quoted.key.with.dots" = 1',
        'a = "escaped \\" quote [[[[" # and [[[[ here',
    ],
)
def test_brackets_and_dots_that_are_not_nesting_are_not_counted(text):
    check_nesting(text)


def _nested(construct: str, depth: int) -> str:
    """A small TOML text nesting `depth` levels deep by one construct, counted as check_nesting counts."""
    keys = lambda count: ".".join(["k"] * count)  # noqa: E731
    return {
        "arrays": "a = " + "[" * depth + "]" * depth,
        "inline tables": "a = " + "{b = " * depth + "1" + "}" * depth,
        "a dotted key": keys(depth + 1) + " = 1",
        "a table header": f"[{keys(depth)}]\nx = 1",
        "an array of tables": f"[[{keys(depth - 1)}]]\nx = 1",
        "an array in a record": "[[threats]]\na = " + "[" * (depth - 2) + "]" * (depth - 2),
        "arrays of inline tables": "a = "
        + "[{b = " * (depth // 2)
        + "[]" * (depth % 2)
        + "1" * (1 - depth % 2)
        + "}]" * (depth // 2),
        "keys under a deep table": f"[{keys(depth - 2)}]\na.b.c = 1",
    }[construct]


@pytest.mark.parametrize(
    "construct",
    [
        "arrays",
        "inline tables",
        "a dotted key",
        "a table header",
        "an array of tables",
        "an array in a record",
        "arrays of inline tables",
        "keys under a deep table",
    ],
)
@pytest.mark.parametrize("depth", [MAX_NESTING - 1, MAX_NESTING, MAX_NESTING + 1, MAX_NESTING + 2])
def test_the_text_scan_and_the_check_of_parsed_data_draw_the_limit_at_the_same_level(construct, depth):
    """Most files are checked on their parsed data (cheap); the exact scan of the text runs before parsing only
    when a key could have many dotted parts. Both must refuse exactly the same files."""
    text = _nested(construct, depth)
    too_deep = depth > MAX_NESTING
    scanned = parsed = False
    try:
        check_nesting(text)
    except TooDeepError:
        scanned = True
    try:
        check_depth(tomllib.loads(text))
    except TooDeepError:
        parsed = True
    assert (scanned, parsed) == (too_deep, too_deep)
    if too_deep:
        with pytest.raises(UnreadableError, match="too deeply nested"):
            load_text(decode(text.encode()), "deep.toml")
    else:
        load_text(decode(text.encode()), "deep.toml")


def test_a_key_of_many_dotted_parts_is_refused_before_any_parser_reads_it(monkeypatch):
    """tomllib reads such a key in quadratic time, so the screen must stop it before parsing."""
    monkeypatch.setattr("tomllib.loads", lambda *_: pytest.fail("the parser saw the text"))
    with pytest.raises(UnreadableError, match="too deeply nested"):
        decode((".".join(["k"] * 20_000) + " = 1\n").encode())


def test_dots_that_make_no_key_deep_do_not_refuse_a_file():
    """Many dots in values, comments and strings, even on one line, are not nesting."""
    for text in ('a = "' + "." * 200 + '"\n', "# " + "a." * 200 + "\n", "v = [" + ", ".join(["1.5"] * 200) + "]\n"):
        load_text(decode(text.encode()))


def test_the_scan_reads_a_large_model_quickly_enough_to_be_linear():
    """Not a timing test: a 100,000-line model must be scanned at all (a quadratic scan would not finish)."""
    check_nesting('[[threats]]\nid = "T1"\ntitle = "x"\n' * 33_000)


def test_a_path_that_is_missing_or_a_folder_says_so(tmp_path: Path):
    with pytest.raises(UnreadableError, match="no such file"):
        read_regular(tmp_path / "missing.toml")
    with pytest.raises(UnreadableError, match="folder"):
        read_regular(tmp_path)


# ---- which texts may hold a control character, so validation may skip looking for them ----------------------


@pytest.mark.parametrize(
    "line",
    [
        'title = "bell \\u0007"',
        'title = "esc \\U0000001b"',
        'title = "back \\b space"',
        'title = "form \\f feed"',
        'title = "carriage \\r return"',
        '"key \\u001b" = "in a key"',
    ],
)
def test_a_control_character_made_any_way_is_still_reported(line: str) -> None:
    loaded = load_text(decode(f'[[threats]]\nid = "T1"\n{line}\n'.encode()))
    assert any("control characters" in finding.message for finding in loaded.findings)


@given(st.text(max_size=20))
def test_a_value_with_a_control_character_is_never_missed(value: str) -> None:
    long_escapes = "".join(
        f"\\U{ord(c):08x}" if has_control(c) else json.dumps(c, ensure_ascii=False)[1:-1] for c in value
    )
    for text in (f"title = {json.dumps(value, ensure_ascii=False)}\n", f'title = "{long_escapes}"\n'):
        try:
            title = tomllib.loads(text)["title"]
        except tomllib.TOMLDecodeError:  # JSON leaves DEL raw, which TOML refuses: never validated
            continue
        if has_control(title):
            assert may_hold_control(text)


def test_plain_text_and_harmless_escapes_need_no_search() -> None:
    assert not may_hold_control('title = "tab\\there, a quote \\" and a newline\\n"\n# ok\n')
