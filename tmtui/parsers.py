"""The command line's parsers, on argparse.

`tmtui.cli` reads the usual forms of its quickest commands (`tmtui check PATH`) without them, and comes here
for everything else: help, errors, and the other commands. Importing argparse and making a parser is about
4 ms, a thirtieth of a quick `tmtui check` in CI.
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from tmtui import __version__
from tmtui.model import Risk, parse_risk
from tmtui.paths import DEFAULT_MODEL, shown_path

IMPORT_SOURCES = ("threat-composer", "threat-dragon", "sarif")


class _Formatter(argparse.HelpFormatter):
    """argparse makes a formatter for every argument it adds, and each would ask the terminal for its width (and
    import shutil to do so): a fifth of a quick command's run. The width is asked once, when help is printed."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_help_width())


@cache
def _help_width() -> int:
    """The terminal's columns as argparse would read them (COLUMNS, then the terminal, then 80), less its margin."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


class _Parser(argparse.ArgumentParser):
    """A parser (and each command's, which argparse makes of the same class) with the quick formatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def command_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `command`, only that command's parser is made (all ten take 2 ms,
    a hundredth of a quick `tmtui check`)."""
    parser = _Parser(
        prog="tmtui",
        description="A terminal workbench for threat modeling. `tmtui [PATH]` opens the app on a model file.",
        epilog="Run `tmtui COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"tmtui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add in COMMAND_PARSERS.items():
        if command in (None, name):
            add(commands)
    return parser


def _add_new(commands: Any) -> None:
    new = commands.add_parser("new", help="write a commented starter model")
    new.add_argument("path", type=Path, metavar="PATH")
    new.add_argument("--name", default="My system", help="the system's name (default: %(default)s)")


def _add_check(commands: Any) -> None:
    check = commands.add_parser("check", help="validate a model; exit 1 on errors (for CI)")
    check.add_argument("path", type=shown_path, metavar="PATH")
    check.add_argument(
        "--fail-on",
        metavar="RISK",
        type=_risk_argument,
        help="also fail when an open threat has this risk or above (note, low, medium, high, critical)",
    )
    check.add_argument("--strict", action="store_true", help="fail on warnings too")


def _add_export(commands: Any) -> None:
    export = commands.add_parser("export", help="write the report (Markdown, JSON or Threat Composer)")
    export.add_argument("path", type=shown_path, metavar="PATH")
    export.add_argument("-o", "--output", type=Path, metavar="OUT", help="file to write (default: stdout)")
    export.add_argument("--format", choices=("markdown", "json", "threat-composer"), default="markdown")


def _add_import(commands: Any) -> None:
    imports = commands.add_parser("import", help="build or extend a model from another tool's file")
    imports.add_argument("file", type=Path, metavar="FILE")
    imports.add_argument("--from", dest="source", choices=IMPORT_SOURCES, required=True)
    imports.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        default=Path(DEFAULT_MODEL),
        help="the model to write, or to extend if it exists (default: %(default)s)",
    )


def _add_diff(commands: Any) -> None:
    diff = commands.add_parser(
        "diff",
        help="what changed between two versions of a model",
        usage="tmtui diff OLD NEW [--format FORMAT]\n       tmtui diff [PATH] --since GITREV [--format FORMAT]",
        description=(
            "Records added, removed and changed (old → new), risk that moved, and the figures before → after; "
            "records are matched by id, so moving or reformatting one, or editing comments, is no change. With "
            "--since, the old version is PATH as it was at GITREV in its git repository (a model that did not "
            "exist there is compared with an empty one)."
        ),
    )
    diff.add_argument(
        "paths",
        type=Path,
        nargs="*",
        metavar="PATH",
        help=f"OLD NEW; or, with --since, the model (default: {DEFAULT_MODEL})",
    )
    diff.add_argument("--since", metavar="GITREV", help="compare with the model as it was at this git revision")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")


def _add_stats(commands: Any) -> None:
    stats = commands.add_parser("stats", help="the figures of pane 4: risk, progress, coverage, last review")
    _model_path_argument(stats)
    stats.add_argument("--format", choices=("text", "json"), default="text", help="json keys: see the README")


def _add_suggest(commands: Any) -> None:
    suggest = commands.add_parser(
        "suggest",
        help="the threats the model suggests and does not answer yet (never writes the file)",
        description=(
            "Candidate threats from the model: context rules first (they name the facts they read), then matches "
            "of the threat library, then STRIDE per element; grouped by component and flow. A threat whose rule "
            "names a candidate (taken, or ruled out as not_applicable) answers it. The library is the bundled one "
            "plus library.toml in the config folder, when it exists; the whole list shows at most three library "
            "matches per element, the most specific first, and --target all of them. JSON: a list of objects "
            "with key, rule, title, stride, targets, reason, and mitigations (a list of objects with title and "
            "description)."
        ),
    )
    _model_path_argument(suggest)
    suggest.add_argument("--target", metavar="ID", help="only the candidates that name this component or flow")
    suggest.add_argument("--format", choices=("text", "json"), default="text")


def _add_restore(commands: Any) -> None:
    restore = commands.add_parser(
        "restore",
        help="list the backups tmtui keeps of a model, and restore one",
        description=(
            "Without NUMBER: lists the backups of PATH, newest first (when you run it at a terminal, it then asks "
            "which one to restore; Enter restores nothing). With NUMBER: restores that backup from the list. The "
            "current file is backed up first, so a restore can itself be undone."
        ),
    )
    restore.add_argument("path", type=Path, metavar="PATH")
    restore.add_argument("number", type=int, nargs="?", metavar="NUMBER", help="the backup to restore (1 = newest)")


def _add_capture(commands: Any) -> None:
    capture = commands.add_parser(
        "capture",
        help="the one-threat exercise: open the app on a short guided flow for one new threat",
        usage="tmtui capture [PATH] TITLE",
        description=(
            "News of an attack arrived: does it touch us? Opens the app on PATH in a short guided flow with TITLE "
            "already typed: which parts it could touch, whether it affects us (how likely, how bad, or why not), "
            "and what we would do. The threat is saved when the flow ends."
        ),
    )
    _model_path_argument(capture)
    capture.add_argument("title", metavar="TITLE", help="the threat, as the news put it")


def _add_demo(commands: Any) -> None:
    demo = commands.add_parser("demo", help="open the bundled example model (a copy in your data folder)")
    demo.add_argument("--reset", action="store_true", help="replace your copy of the demo with a fresh one")


COMMAND_PARSERS = {
    "new": _add_new,
    "check": _add_check,
    "export": _add_export,
    "import": _add_import,
    "diff": _add_diff,
    "stats": _add_stats,
    "suggest": _add_suggest,
    "restore": _add_restore,
    "capture": _add_capture,
    "demo": _add_demo,
}


def _model_path_argument(command: argparse.ArgumentParser) -> None:
    """PATH, optional: the model in this folder by default, as `tmtui` with no path opens."""
    command.add_argument(
        "path", type=Path, nargs="?", default=Path(DEFAULT_MODEL), metavar="PATH", help="default: %(default)s"
    )


def open_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tmtui", add_help=False)
    parser.add_argument("path", type=Path, nargs="?", default=Path(DEFAULT_MODEL))
    return parser


def _risk_argument(text: str) -> Risk:
    try:
        return parse_risk(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
