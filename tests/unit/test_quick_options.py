"""The quick reading of `tmtui check` and `tmtui export` command lines agrees with argparse wherever it answers."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmtui.cli import COMMANDS, quick_options
from tmtui.parsers import COMMAND_PARSERS, command_parser
from tmtui.paths import shown_path

# Tokens of the forms CI writes and of the ones only argparse reads: abbreviations, short options with a value
# attached, `--`, help, values that look like options, unknown words, empty ones
TOKENS = [
    "m.toml",
    "./m.toml",
    "a//b/",
    "",
    "-",
    "--",
    "-h",
    "--help",
    "--strict",
    "--strict=1",
    "--str",
    "--fail-on",
    "--fail-on=high",
    "--fail-on=HIGH",
    "--fail-on=nope",
    "--fail",
    "high",
    "critical",
    "nope",
    "-o",
    "-oout.md",
    "-o=out.md",
    "--output",
    "--output=out.md",
    "--output=",
    "--out",
    "out.md",
    "--format",
    "--format=json",
    "--format=pdf",
    "--form",
    "json",
    "markdown",
    "threat-composer",
    "pdf",
    "-5",
]


def argparse_options(args: list[str]) -> dict[str, object] | None:
    """argparse's options for `args`, or None where it stops (an error, help)."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(command_parser(args[0]).parse_args(args))
        except SystemExit:
            return None


@given(st.sampled_from(["check", "export"]), st.lists(st.sampled_from(TOKENS), max_size=6))
def test_the_quick_reading_gives_argparse_s_options_or_leaves_the_line_to_argparse(command, tokens):
    args = [command, *tokens]
    quick = quick_options(args)
    if quick is not None:
        assert vars(quick) == argparse_options(args)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "m.toml"],
        ["check", "./m.toml", "--strict", "--fail-on", "high"],
        ["check", "--fail-on=critical", "m.toml"],
        ["export", "m.toml", "--format", "json"],
        ["export", "m.toml", "-o", "out.md"],
        ["export", "--output=out.json", "--format=json", "m.toml"],
    ],
)
def test_the_forms_ci_writes_are_read_quickly(args):
    quick = quick_options(args)
    assert quick is not None and vars(quick) == argparse_options(args)


def test_every_command_has_a_parser():
    assert tuple(COMMAND_PARSERS) == COMMANDS


@pytest.mark.skipif(os.name != "posix", reason="pathlib itself shows paths elsewhere")
@given(st.text(alphabet="/.ab\\ \x00é", max_size=12))
def test_a_path_is_shown_as_pathlib_shows_it(text):
    assert shown_path(text) == str(PurePosixPath(text))
