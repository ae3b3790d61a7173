"""The command line. Commands that do not open the app import neither Textual nor tomlkit, so they start fast."""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TextIO

from tmtui.document import UnreadableError, read_model, read_model_bytes
from tmtui.document.read import Loaded
from tmtui.document.source import not_regular, read_regular
from tmtui.model import Finding, Model, Risk, parse_risk, risk_of
from tmtui.model.text import visible
from tmtui.paths import DEFAULT_MODEL, shown_path

# Modules only some commands need are imported in those commands, so that `tmtui check` in CI starts quickly.
if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    from tmtui.exchange.imported import Imported
    from tmtui.exchange.merge import ImportSummary
    from tmtui.model.diff import ModelDiff, RecordChange
    from tmtui.rules import Candidate

INTERNAL_ERROR_SHOWN = 300  # characters of an unexpected error's text; it may quote a whole hostile model
MESSAGE_SHOWN = 1000  # characters of an error message, which may quote a value from the file
COMMANDS = ("new", "check", "export", "import", "diff", "stats", "suggest", "restore", "capture", "demo")
EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2


@cache
def _surrogate() -> re.Pattern[str]:
    """A lone surrogate: a byte of an argument that is not UTF-8, as Python keeps it. Compiled when first asked
    for, by the commands that write text they were given (a third of a millisecond the others never spend)."""
    return re.compile("[\ud800-\udfff]")


class CommandError(Exception):
    """A command that cannot go on: one clear line for stderr, and its exit code."""

    def __init__(self, message: str, code: int = EXIT_UNREADABLE) -> None:
        super().__init__(message)
        self.code = code


def _say(text: str, stream: TextIO | None = None) -> None:
    """Print one line of text that may hold model or file text: control characters shown, never sent.

    A path or argument that is not valid UTF-8 (Python keeps its bytes as surrogates) is shown escaped, and so is
    anything the stream's encoding cannot hold, so printing never fails.
    """
    stream = stream or sys.stdout
    # one line means one line: a newline in a title must not forge a line of its own (a CI annotation, a diff line)
    print(_printable(text, stream).replace("\n", "\u2424"), file=stream)


def _printable(text: str, stream: TextIO) -> str:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return visible(text).encode(encoding, "backslashreplace").decode(encoding, "replace")


def _write_printable(text: str, stream: TextIO) -> None:
    """Write `_printable(text)`: a whole report, so for the usual UTF-8 stream its bytes are checked for control
    characters in C (a report from the exporters has none) instead of run through `visible`, a pass in Python's
    regex engine that took longer than writing them. The text itself is written, so the stream still translates
    line endings as it does."""
    if (getattr(stream, "encoding", None) or "").lower().replace("-", "") == "utf8":
        try:
            data = text.encode("utf-8")  # a lone surrogate, which `_printable` would show escaped, fails here
        except UnicodeEncodeError:
            data = None
        if data is not None and not _has_control_bytes(data):
            stream.write(text)
            return
    stream.write(_printable(text, stream))


# In UTF-8, C0 and DEL are bytes of their own (no byte of a longer character is below 0x80) and C1 is 0xC2 and one
# of 0x80-0x9F: what `visible` replaces.
_C0_AND_DEL = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])
_C1_BYTES = re.compile(rb"\xc2[\x80-\x9f]")


def _has_control_bytes(data: bytes) -> bool:
    return len(data.translate(None, _C0_AND_DEL)) != len(data) or (b"\xc2" in data and bool(_C1_BYTES.search(data)))


def _error(text: str) -> None:
    _say(text, sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and (args[0] in COMMANDS or args[0].startswith("-")):
            options: Any = quick_options(args)
            if options is None:
                from tmtui.parsers import command_parser

                options = command_parser(args[0] if args[0] in COMMANDS else None).parse_args(args)
            return _run(options)
        from tmtui.parsers import open_parser

        return open_app(open_parser().parse_args(args).path)
    except CommandError as error:
        _error(f"tmtui: {_short(str(error), MESSAGE_SHOWN)}")
        return error.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tmtui check … | head`: the reader stopped early; no traceback, no "internal error"
        # Python would complain again while flushing stdout at exit; point it at /dev/null instead. Not 0: the
        # command did not finish, and a pipeline with `pipefail` must not read that as a clean check.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:  # a bug: still one short line, with the way to the full story
        if os.environ.get("TMTUI_DEBUG"):
            raise
        shown = _short(repr(error), INTERNAL_ERROR_SHOWN)
        _error(f"tmtui: internal error: {shown} (run with TMTUI_DEBUG=1 for the traceback)")
        return EXIT_UNREADABLE


# The forms of the quickest commands that CI scripts write, read here without argparse (see `tmtui.parsers`): each
# option by its full name, as `--name VALUE` or `--name=VALUE`, and export's `-o VALUE`. Any other form goes to
# argparse, which reads these to the same options (a test holds them equal) and alone explains a mistake or prints
# help.
_QUICK_DEFAULTS: dict[str, dict[str, Any]] = {
    "check": {"fail_on": None, "strict": False},
    "export": {"output": None, "format": "markdown"},
}
_QUICK_FLAGS = {"check": {"--strict": "strict"}, "export": {}}
_QUICK_VALUES = {
    "check": {"--fail-on": "fail_on"},
    "export": {"-o": "output", "--output": "output", "--format": "format"},
}
_EXPORT_FORMATS = ("markdown", "json", "threat-composer")


def quick_options(args: Sequence[str]) -> SimpleNamespace | None:
    """The options of a usual `tmtui check` or `tmtui export` command line, or None for argparse to read."""
    command, path = args[0], None
    if command not in _QUICK_DEFAULTS:
        return None
    values = dict(_QUICK_DEFAULTS[command])
    flags, named = _QUICK_FLAGS[command], _QUICK_VALUES[command]
    rest = iter(args[1:])
    for arg in rest:
        if not arg.startswith("-"):
            if path is not None or not arg:
                return None
            path = arg
            continue
        if arg in flags:
            values[flags[arg]] = True
            continue
        name, equals, value = arg.partition("=")
        if name not in named or (equals and not name.startswith("--")):
            return None
        if not equals:
            value = next(rest, "")
        if not value or value.startswith("-") or not _quick_value(named[name], value, values):
            return None
    if path is None:
        return None
    return SimpleNamespace(command=command, path=shown_path(path), **values)


def _quick_value(key: str, value: str, values: dict[str, Any]) -> bool:
    """Store an option's value as argparse would; False for one that argparse should explain."""
    if key == "fail_on":
        try:
            values[key] = parse_risk(value)
        except ValueError:
            return False
    elif key == "format":
        if value not in _EXPORT_FORMATS:
            return False
        values[key] = value
    else:
        from pathlib import Path

        values[key] = Path(value)
    return True


def _short(text: str, limit: int) -> str:
    """One line of at most `limit` characters: an error may quote a value as long as a whole file."""
    text = " ".join(text.split("\n"))
    return text if len(text) <= limit else text[:limit] + "…"


# Commands that read models and write one text, then exit. What they allocate is kept to the end and holds no
# cycles, so the garbage collector would only walk the growing model again and again (15 M instructions, some
# 6 ms, of a 1,000-threat export).
_READING_ONLY = frozenset({"check", "export", "diff", "stats", "suggest"})


def _run(options: Any) -> int:
    if options.command in _READING_ONLY and gc.isenabled():
        gc.disable()
        try:
            return _dispatch(options)
        finally:
            gc.enable()  # as it was, for a caller in the same process (a test, a script)
    return _dispatch(options)


def _dispatch(options: Any) -> int:
    """Run the command of parsed options (an `argparse.Namespace`, or the quick reading's like it)."""
    if options.command == "new":
        return cmd_new(options.path, options.name)
    if options.command == "check":
        return cmd_check(options.path, options.fail_on, options.strict)
    if options.command == "export":
        return cmd_export(options.path, options.output, options.format)
    if options.command == "import":
        return cmd_import(options.file, options.source, options.output)
    if options.command == "diff":
        return cmd_diff(options.paths, options.since, options.format)
    if options.command == "stats":
        return cmd_stats(options.path, options.format)
    if options.command == "suggest":
        return cmd_suggest(options.path, options.target, options.format)
    if options.command == "restore":
        return cmd_restore(options.path, options.number)
    if options.command == "capture":
        return open_app(options.path, capture=options.title)
    if options.command == "demo":
        return open_app(demo_path(reset=options.reset))
    from tmtui.parsers import command_parser

    command_parser().print_help()
    return EXIT_OK


# ---- new ---------------------------------------------------------------------------------------------------


def cmd_new(path: Path, name: str) -> int:
    from tmtui.document.save import write_atomically
    from tmtui.starter import starter_text

    if os.path.lexists(path):
        raise CommandError(f"{path}: already exists; not overwritten")
    if not path.parent.is_dir():
        raise CommandError(f"{path.parent}: no such folder")
    if _surrogate().search(name):
        raise CommandError("--name: not valid UTF-8 text (check your terminal's encoding); nothing written")
    try:
        write_atomically(path, starter_text(name).encode("utf-8"))
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}") from None
    _say(f"Wrote {path}. Open it with: tmtui {path}")
    return EXIT_OK


# ---- outputs -----------------------------------------------------------------------------------------------


def refuse_output(output: Path, *inputs: str | Path) -> None:
    """Raise CommandError unless `output` can be written as a regular file without harming an input.

    Refused: a path that is an input (after links), a folder, a FIFO or device, a read-only file, a missing folder.
    """
    try:
        info = output.stat()  # follows links: the file a write would replace
    except FileNotFoundError:
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such folder; nothing written") from None
        return
    except OSError as error:
        raise CommandError(f"{output}: {error.strerror or error}; nothing written") from None
    for source in inputs:
        try:
            same = os.path.samefile(output, source)
        except OSError:
            same = False
        if same:
            raise CommandError(f"{output}: this is the input file {source}; not overwritten")
    reason = not_regular(info.st_mode)
    if reason:
        raise CommandError(f"{output}: {reason}; nothing written")
    # the mode bits count too: root may write anywhere, but a file made read-only says "leave me alone"
    if not os.access(output, os.W_OK) or not info.st_mode & 0o222:
        raise CommandError(f"{output}: the file is read-only; not overwritten")


# ---- check -------------------------------------------------------------------------------------------------


def _load(path: str | Path, *, placed: bool = True, warnings: bool = True) -> Loaded:
    try:
        return read_model(path, placed=placed, warnings=warnings)
    except UnreadableError as error:
        raise CommandError(str(error)) from None


def _parsed(path: str | Path) -> tuple[Loaded, Model]:
    """A model that at least parses (export and diff need its records); a syntax error ends the command. Its
    findings are its errors, without lines: these commands only count them."""
    loaded = _load(path, placed=False, warnings=False)
    if loaded.model is None:
        finding = loaded.findings[0]
        raise CommandError(f"{path}:{finding.line}:{finding.column}: {finding.message}")
    return loaded, loaded.model


def cmd_check(path: str | Path, fail_on: Risk | None, strict: bool) -> int:
    loaded = _load(path)
    for finding in loaded.findings:
        where = f"{path}:{finding.line}" if finding.line else str(path)
        if finding.column:
            where += f":{finding.column}"
        about = f"{finding.where()}: " if finding.where() else ""
        _say(f"{where}: {finding.severity}: {about}{finding.message}")
    hits = []
    if fail_on is not None and loaded.model is not None:
        hits = [t for t in loaded.model.threats if t.effective_status == "open" and risk_of(t).rank >= fail_on.rank]
        for threat in hits:
            _say(
                f"{path}: error: {threat.id}: open threat with {risk_of(threat)} risk (--fail-on {fail_on}): "
                f"{_one_line(threat.title)}"
            )
    errors, warnings = len(loaded.errors), len(loaded.warnings)
    summary = f"{path}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if fail_on is not None:
        summary += f", {len(hits)} open threat{'s' * (len(hits) != 1)} at {fail_on} risk or above"
    _error(summary)
    failed = errors or hits or (strict and warnings)
    return EXIT_FAILED if failed else EXIT_OK


# ---- export ------------------------------------------------------------------------------------------------


def render_report(model: Model, fmt: str) -> str:
    if fmt == "json":
        from tmtui.exchange.json_export import to_json

        return to_json(model)
    if fmt == "threat-composer":
        from tmtui.exchange.threat_composer import to_threat_composer_json

        return to_threat_composer_json(model)
    from tmtui.exchange.markdown import to_markdown

    return to_markdown(model)


def cmd_export(path: str | Path, output: Path | None, fmt: str) -> int:
    loaded, model = _parsed(path)
    if output is not None:
        refuse_output(output, path)
    report = render_report(model, fmt)
    if loaded.errors:
        count = len(loaded.errors)
        _error(f"{path}: exported with {count} problem{'s' * (count != 1)}; see: tmtui check {path}")
    if output is None:
        # the exporters already escape or drop control characters; this keeps the terminal safe regardless
        _write_printable(report, sys.stdout)
        return EXIT_OK
    from tmtui.document.save import write_atomically

    try:
        write_atomically(output, report.encode("utf-8"))
    except OSError as error:
        raise CommandError(f"{output}: {error.strerror or error}") from None
    _error(f"Wrote {output}")
    return EXIT_OK


# ---- import ------------------------------------------------------------------------------------------------


def cmd_import(file: Path, source: str, output: Path) -> int:
    """Read another tool's file, then write a new model or extend the one at `output` through the document."""
    from tmtui.exchange.imported import ImportRefused, load_json
    from tmtui.exchange.sarif import read_sarif
    from tmtui.exchange.threat_composer import read_threat_composer
    from tmtui.exchange.threat_dragon import read_threat_dragon

    readers = {
        "threat-composer": (read_threat_composer, "Threat Composer"),
        "threat-dragon": (read_threat_dragon, "Threat Dragon"),
        "sarif": (read_sarif, "SARIF"),
    }
    reader, label = readers[source]
    try:
        data = read_regular(file)
    except UnreadableError as error:
        raise CommandError(f"{error}; nothing written") from None
    refuse_output(output, file)
    try:
        content, repairs = load_json(data, label)
        imported = reader(content)
    except ImportRefused as error:
        raise CommandError(f"{file}: {error}; nothing written") from None
    imported.notes += repairs
    extending = output.exists()
    if extending:
        summary, written, findings = _extend(output, imported)
    else:
        header = (
            f"# Threat model imported from {label} ({_comment_text(file.name)}) by tmtui.\n"
            "# Comments you add survive every save.\n"
        )
        summary, findings = _write_new(output, imported, header)
        written = True
    _say(summary.describe())
    if not written:
        _say(f"{output} already holds all of it; nothing changed")
    else:
        _say(f"{'Extended' if extending else 'Wrote'} {output}")
    errors = [f for f in findings if f.is_error]
    if errors:
        _say(f"{output}: {len(errors)} problem{'s' * (len(errors) != 1)} to fix; run: tmtui check {output}")
    return EXIT_OK


def _extend(output: Path, imported: Imported) -> tuple[ImportSummary, bool, list[Finding]]:
    """Import into the model at `output` through the document, so its comments and styles stay."""
    from tmtui.document.edit import Document, DocumentError, ModelSyntaxError
    from tmtui.exchange.merge import apply_import

    try:
        document = Document.open(output)
        summary = apply_import(document, imported)
        written = document.save()
    except ModelSyntaxError as error:
        raise CommandError(f"{error}; nothing written") from None
    except (UnreadableError, DocumentError, OSError) as error:
        raise CommandError(f"{output}: {error}; nothing written") from None
    return summary, written, document.findings


def _write_new(output: Path, imported: Imported, header: str) -> tuple[ImportSummary, list[Finding]]:
    """Write a new model from the import in one pass, and read it back before it replaces anything."""
    from tmtui.document import Source, load_text
    from tmtui.document.fresh import FreshModel
    from tmtui.document.save import write_atomically
    from tmtui.exchange.merge import apply_import

    fresh = FreshModel()
    summary = apply_import(fresh, imported)
    text = header + fresh.text()
    # written here, with no nesting beyond a record's lists, so it needs no pre-scan: straight to tomllib
    loaded = load_text(Source(text), output)
    if loaded.data != fresh.expected():
        raise CommandError(f"{output}: the model written would not read back as imported; nothing written")
    if output.exists():
        raise CommandError(f"{output}: a file appeared there while importing; nothing written")
    try:
        write_atomically(output, text.encode("utf-8"))
    except OSError as error:
        raise CommandError(f"{output}: {error.strerror or error}; nothing written") from None
    return summary, loaded.findings


def _comment_text(text: str) -> str:
    """Text for one TOML comment line: no line break, no control character, nothing that is not UTF-8."""
    one_line = visible(text).replace("\n", "\u2424").replace("\t", " ")
    return _surrogate().sub("\ufffd", one_line)


# ---- diff --------------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _shown(value: object) -> str:
    import json

    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    if value is None:
        return "(none)"
    text = str(value).replace("\n", " ")
    return json.dumps(text[:60] + "…" if len(text) > 60 else text, ensure_ascii=False)


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    import subprocess

    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise CommandError("git was not found on PATH; --since needs it") from None


def model_at_revision(path: Path, revision: str) -> tuple[Model, bool]:
    """The model at `path` as it was at a git revision (read with `git show`), and whether it existed there.

    Works from anywhere inside the repository: the path is made relative to its root from the file's own folder.
    A model that did not exist at the revision is an empty model, so the pull request that adds one still gets a
    summary. Not a repository, an unknown revision, or an old version that does not parse: CommandError.
    """
    folder = path.absolute().parent
    if not folder.is_dir():
        raise CommandError(f"{path.parent}: no such folder")
    if revision.startswith("-"):
        raise CommandError(f"--since {revision}: a revision cannot start with '-'")
    prefix = _git(folder, "rev-parse", "--show-prefix")
    if prefix.returncode != 0:
        said = _one_line(prefix.stderr.decode("utf-8", "replace"))
        if "not a git repository" in said or not said:
            raise CommandError(f"{path}: not inside a git repository, so --since has nothing to compare with")
        raise CommandError(f"{path}: git cannot read its repository: {said}")  # say, its ownership is doubted
    commit = _git(folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if commit.returncode != 0:
        raise CommandError(f"--since {revision}: no such revision in this repository (a branch, tag or commit)")
    name = os.fsdecode(prefix.stdout).strip() + path.name
    spec = f"{os.fsdecode(commit.stdout).strip()}:{name}"
    if _git(folder, "cat-file", "-t", spec).stdout.strip() != b"blob":
        return Model(), False
    shown = _git(folder, "show", spec)
    if shown.returncode != 0:
        message = _one_line(shown.stderr.decode("utf-8", "replace"))
        raise CommandError(f"{name} at {revision}: git show failed: {message}")
    where = f"{name} at {revision}"
    try:
        loaded = read_model_bytes(shown.stdout, where)
    except UnreadableError as error:
        raise CommandError(str(error)) from None
    if loaded.model is None:
        finding = loaded.findings[0]
        raise CommandError(f"{where}:{finding.line}:{finding.column}: {finding.message}")
    return loaded.model, True


def cmd_diff(paths: Sequence[Path], since: str | None, fmt: str) -> int:
    """Records added, removed and changed between two versions, as text, Markdown (for a pull request) or JSON."""
    import json

    from tmtui.model.diff import diff_models

    if since is not None:
        if len(paths) > 1:
            raise CommandError("diff --since takes one model (PATH), not two")
        from pathlib import Path

        path = paths[0] if paths else Path(DEFAULT_MODEL)
        new = _parsed(path)[1]
        old, existed = model_at_revision(path, since)
        if not existed:
            _error(f"{path}: not in {since}; compared with an empty model")
        old_name, new_name = f"{path} at {since}", str(path)
    elif len(paths) == 2:
        old, new = _parsed(paths[0])[1], _parsed(paths[1])[1]
        old_name, new_name = str(paths[0]), str(paths[1])
    else:
        raise CommandError("diff needs OLD and NEW, or [PATH] --since GITREV (see: tmtui diff --help)")
    result = diff_models(old, new)
    if fmt == "json":
        from tmtui.exchange.escape import json_safe

        data = {"old": old_name, "new": new_name, **diff_data(result)}
        sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False, default=str)) + "\n")
    elif fmt == "markdown":
        from tmtui.exchange.markdown import diff_markdown

        _write_printable(diff_markdown(result, old_name, new_name), sys.stdout)
    else:
        _print_diff(result)
    counts = f"{len(result.added)} added, {len(result.removed)} removed, {len(result.changed)} changed"
    _error("No changes." if result.empty else counts)
    return EXIT_OK


def _print_diff(result: ModelDiff) -> None:
    for change in result.added:
        _say(f"+ {change.shown_id} {change.label}  (new {change.kind})")
    for change in result.removed:
        _say(f"- {change.shown_id} {change.label}  (removed {change.kind})")
    for change in result.changed:
        _say(f"~ {change.shown_id} {change.label}")
        for field_change in change.changes:
            _say(f"    {field_change.key}: {_shown(field_change.old)} → {_shown(field_change.new)}")
    for move in result.risk_moved:
        direction = "up" if move.new.rank > move.old.rank else "down"
        _say(f"! {move.record_id} {move.label}: risk {move.old} → {move.new} ({direction})")
    moved = [f"{f.label} {f.before} → {f.after}" for f in result.figures if f.delta]
    if moved:
        _say("= " + " · ".join(moved))


def diff_data(result: ModelDiff) -> dict[str, object]:
    """A diff as plain data, for `diff --format json`; the keys are documented in the README."""

    def record(change: RecordChange) -> dict[str, object]:
        return {"kind": change.kind, "id": change.record_id, "label": change.label}

    return {
        "added": [record(c) for c in result.added],
        "removed": [record(c) for c in result.removed],
        "changed": [
            {**record(c), "fields": [{"key": f.key, "old": f.old, "new": f.new} for f in c.changes]}
            for c in result.changed
        ],
        "risk_moved": [
            {"id": m.record_id, "label": m.label, "old": m.old.value, "new": m.new.value} for m in result.risk_moved
        ],
        "figures": {f.key: {"before": f.before, "after": f.after} for f in result.figures},
    }


# ---- stats -------------------------------------------------------------------------------------------------


def stats_data(model: Model) -> dict[str, object]:
    """The figures of pane 4 as plain data, for `stats --format json`; the keys are documented in the README."""
    from tmtui.model.coverage import compute_coverage
    from tmtui.model.metrics import compute_metrics, reviews_in_order, since_review

    metrics = compute_metrics(model)
    coverage = compute_coverage(model)
    reviews = reviews_in_order(model)
    last = reviews[-1] if reviews else None
    return {
        "threats": metrics.threats,
        "open": metrics.open,
        "open_high_risk": metrics.open_high_risk,
        "by_risk": {risk.value: count for risk, count in metrics.by_risk.items()},
        "open_by_risk": {risk.value: count for risk, count in metrics.open_by_risk.items()},
        "by_status": metrics.by_status,
        "mitigated_percent": metrics.mitigated_percent,
        "resolved_percent": metrics.resolved_percent,
        "resolved_weighted_percent": metrics.resolved_weighted_percent,
        "threats_without_mitigation": metrics.threats_without_mitigation,
        "mitigations": len(model.mitigations),
        "mitigations_by_status": metrics.mitigations_by_status,
        "coverage": {
            "percent": coverage.percent,
            "expected": coverage.expected,
            "answered": coverage.answered,
            "open": coverage.open,
            "not_considered": coverage.not_considered,
            "gaps": [{"id": element, "stride": stride.value} for element, stride in coverage.gaps()],
            "elements_without_threats": coverage.elements_without_threats,
            "assets_without_threats": coverage.assets_without_threats,
            "threats_with_grammar": metrics.threats_with_complete_grammar,
            "elements": [
                {
                    "id": e.record_id,
                    "kind": e.element,
                    "label": e.label,
                    "cells": {stride.value: cell.state.value for stride, cell in e.cells.items()},
                }
                for e in coverage.elements
            ],
        },
        "last_review": None
        if last is None
        else {"id": last.id, "date": last.date.isoformat() if last.date else None, "metrics": last.metrics},
        "since_last_review": None
        if last is None
        else {f.key: {"before": f.before, "after": f.after} for f in since_review(last, metrics)},
    }


def cmd_stats(path: Path, fmt: str) -> int:
    import json

    loaded, model = _parsed(path)
    data = stats_data(model)
    if fmt == "json":
        from tmtui.exchange.escape import json_safe

        sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False, default=str)) + "\n")
    else:
        _print_stats(model)
    if loaded.errors:
        count = len(loaded.errors)
        _error(f"{path}: {count} problem{'s' * (count != 1)} in the model; see: tmtui check {path}")
    return EXIT_OK


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items() if count) or "none"


def _print_stats(model: Model) -> None:
    from tmtui.model.coverage import compute_coverage
    from tmtui.model.metrics import compute_metrics, reviews_in_order, since_review

    metrics = compute_metrics(model)
    coverage = compute_coverage(model)
    _say(f"Threats       {metrics.threats}: {_counts(metrics.by_status)}")
    _say(f"Risk          {_counts({r.value: n for r, n in metrics.by_risk.items()})}")
    _say(f"Open          {metrics.open}, {metrics.open_high_risk} of them at high risk or above")
    _say(
        f"Resolved      {metrics.resolved_percent}% (weighted by risk {metrics.resolved_weighted_percent}%); "
        f"mitigated {metrics.mitigated_percent}%"
    )
    _say(f"No mitigation {', '.join(metrics.threats_without_mitigation) or 'none'} (open threats)")
    _say(f"Mitigations   {len(model.mitigations)}: {_counts(metrics.mitigations_by_status)}")
    _say(
        f"Coverage      {coverage.percent}% of {coverage.expected} element × STRIDE checks considered "
        f"({coverage.answered} answered, {coverage.open} open, {coverage.not_considered} not yet)"
    )
    _say(f"  no threat on:      {', '.join(coverage.elements_without_threats) or 'none'}")
    _say(f"  assets unnamed:    {', '.join(coverage.assets_without_threats) or 'none'}")
    _say(
        f"Statements    {metrics.threats_with_complete_grammar} of {metrics.threats} threats have a complete threat "
        "statement (source, action, impact)"
    )
    reviews = reviews_in_order(model)
    if not reviews:
        _say("Last review   none recorded (press r in pane 4 after a session)")
        return
    last = reviews[-1]
    _say(f"Last review   {last.id} {last.label}")
    changes = [
        f"{f.label} {'?' if f.before is None else f.before} → {f.after}" + (f" ({f.delta:+d})" if f.delta else "")
        for f in since_review(last, metrics)
    ]
    _say(f"Since then    {' · '.join(changes)}")


# ---- suggest -----------------------------------------------------------------------------------------------


def cmd_suggest(path: Path, target: str | None, fmt: str) -> int:
    """Print the model's unanswered candidate threats; the file is only read."""
    import json

    from tmtui.document.library import load_library_or_builtin
    from tmtui.rules import suggest

    loaded, model = _parsed(path)
    if target is not None and model.kind_named(target) not in ("components", "flows"):
        raise CommandError(f"{path}: --target {target!r} is not the id of a component or flow in the model")
    try:
        library, warning = load_library_or_builtin()
    except UnreadableError as error:
        raise CommandError(str(error)) from None
    if warning is not None:
        _error(f"tmtui: warning: {_short(warning, MESSAGE_SHOWN)}")
    candidates = suggest(model, library, target)
    if fmt == "json":
        from tmtui.exchange.escape import json_safe

        data = [
            {
                "key": c.key,
                "rule": c.rule,
                "title": c.title,
                "stride": list(c.stride),
                "targets": list(c.targets),
                "reason": c.reason,
                "mitigations": [{"title": m.title, "description": m.description} for m in c.mitigations],
            }
            for c in candidates
        ]
        sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
    else:
        _print_suggestions(model, candidates)
    if loaded.errors:
        count = len(loaded.errors)
        _error(f"{path}: {count} problem{'s' * (count != 1)} in the model; see: tmtui check {path}")
    return EXIT_OK


def _print_suggestions(model: Model, candidates: Sequence[Candidate]) -> None:
    """Candidates under a heading per element, each with its STRIDE, its rule and, on the next line, its reason."""
    element = None
    for candidate in candidates:
        if candidate.element != element:
            if element is not None:
                _say("")
            element = candidate.element
            record = model.find(element)
            _say(f"{element}  {_one_line(record.label if record else '')}")
        stride = ", ".join(s.replace("_", " ") for s in candidate.stride)
        _say(f"  - {_one_line(candidate.title)}  [{stride}; {candidate.rule}]")
        _say(f"      {_one_line(candidate.reason)}")
    count = len(candidates)
    if count:
        _say("")
        _say(f"{count} suggestion{'s' * (count != 1)}; take or rule them out in the app")
    elif model.components or model.flows:
        _say("No suggestions: the model answers every one.")
    else:
        _say("No suggestions: they start from components and flows, and the model has none yet.")


# ---- restore -----------------------------------------------------------------------------------------------


def cmd_restore(path: Path, number: int | None) -> int:
    """List the backups of `path`, newest first, and restore the one chosen (by NUMBER, or asked at a terminal)."""
    from tmtui.document import read_model_bytes
    from tmtui.state import backups_of, restore_backup

    backups = backups_of(path)
    if not backups:
        raise CommandError(f"{path}: tmtui keeps no backups of this file (they are made before the app's first save)")
    if number is None:
        for position, backup in enumerate(backups, start=1):
            try:
                loaded = read_model_bytes(read_regular(backup.path), backup.path)
                threats = str(len(loaded.model.threats)) if loaded.model is not None else "?"
            except UnreadableError:
                threats = "?"
            taken = backup.taken.strftime("%Y-%m-%d %H:%M:%S")
            _say(f"{position:>3}  {taken}  {backup.size:>9} bytes  {threats:>5} threats")
        if not sys.stdin.isatty():
            _error(f"Restore one with: tmtui restore {path} NUMBER")
            return EXIT_OK
        try:
            answer = input(f"Restore which backup (1-{len(backups)}; Enter for none)? ").strip()
        except EOFError:
            answer = ""
        if not answer:
            _error("Nothing restored.")
            return EXIT_OK
        if not answer.isdigit():
            raise CommandError(f"{answer!r} is not a number from 1 to {len(backups)}; nothing restored")
        number = int(answer)
    if not 1 <= number <= len(backups):
        raise CommandError(f"there is no backup {number}; choose 1 to {len(backups)} (tmtui restore {path} lists them)")
    if os.path.lexists(path):
        refuse_output(path)
    elif not path.parent.is_dir():
        raise CommandError(f"{path.parent}: no such folder; nothing written")
    chosen = backups[number - 1]
    try:
        saved = restore_backup(path, chosen)
    except UnreadableError as error:
        raise CommandError(f"{error}; nothing restored") from None
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}; nothing restored") from None
    _say(f"Restored {path} from the backup of {chosen.taken:%Y-%m-%d %H:%M:%S}.")
    if saved is not None:
        _say(f"The file as it was is backed up too: tmtui restore {path} lists it first.")
    return EXIT_OK


# ---- demo and the app --------------------------------------------------------------------------------------


def demo_path(reset: bool = False) -> Path:
    """The user's copy of the demo model, made from the bundled one when missing (or asked to reset)."""
    from tmtui.document.save import write_atomically
    from tmtui.paths import bundled, data_dir

    target = data_dir() / "demo.toml"
    if reset or not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, bundled("demo.toml"))
        except OSError as error:
            raise CommandError(f"{target}: {error.strerror or error}") from None
    return target


def open_app(path: Path, capture: str | None = None) -> int:
    with keys_as_typed(sys.stdin) as typed_ahead:
        from tmtui.tui.app import run_app  # Textual's import: a few hundred milliseconds a person may type through

        return run_app(path, capture, typed_ahead)


@contextmanager
def keys_as_typed(stream: TextIO) -> Iterator[str]:
    """Until the app takes the terminal, keys reach it as the app will read them. A terminal left as the shell
    had it turns Enter into Ctrl+J and holds keys until Enter: `tmtui` then `2`, Enter typed at once opened pane 2
    but not the threat. Gives the keys typed before this switch (while Python started), with each Enter that the
    shell's settings had made a Ctrl+J an Enter again, for the app to take first. The terminal's settings are
    restored afterwards (the app restores those it found)."""
    try:
        import termios

        fd = stream.fileno()
        before = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError, AttributeError):  # no terminal (a pipe, a test), or not POSIX
        yield ""
        return
    except termios.error:
        yield ""
        return
    keys = termios.tcgetattr(fd)
    keys[0] &= ~(termios.ICRNL | termios.IXON)  # input flags: Enter stays a carriage return, Ctrl+Q a key
    keys[3] &= ~(termios.ICANON | termios.ECHO)  # local flags: each key readable at once, not echoed
    keys[6][termios.VMIN], keys[6][termios.VTIME] = 0, 0  # a read takes what is waiting and does not wait
    termios.tcsetattr(fd, termios.TCSANOW, keys)
    try:
        yield _waiting_keys(fd, enter_was_newline=bool(before[0] & termios.ICRNL))
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, before)


TYPED_AHEAD_LIMIT = 65536  # bytes of keys taken from before the app started; the rest is left to the app's reader
COMPLETING_WAIT = 0.2  # seconds to wait for the rest of a character the limit or a paste in progress cut in two


def _waiting_keys(fd: int, *, enter_was_newline: bool) -> str:
    """The keys waiting on the terminal. Typed under the shell's settings, an Enter arrived as a newline; a
    Ctrl+J typed there arrived as the same byte, and is read as the Enter a person far more likely meant.

    What is taken ends with a whole UTF-8 character: the bytes left behind are read by Textual, whose strict
    decoder would stop the app on the rest of a character."""
    import select  # only here: the app's start, not every command's

    waiting = b""
    while len(waiting) < TYPED_AHEAD_LIMIT:  # all that is waiting, up to the limit
        chunk = _read(fd, TYPED_AHEAD_LIMIT - len(waiting))
        if not chunk:
            break
        waiting += chunk
    missing = _missing_bytes(waiting)  # a character cut in two (by the limit, or a paste still arriving)
    while missing and select.select([fd], [], [], COMPLETING_WAIT)[0]:
        chunk = _read(fd, missing)
        if not chunk:
            break
        waiting += chunk
        missing = _missing_bytes(waiting)
    text = waiting.decode("utf-8", "replace")
    return text.replace("\n", "\r") if enter_was_newline else text


def _read(fd: int, size: int) -> bytes:
    try:
        return os.read(fd, size)
    except OSError:  # the terminal went away: nothing more to take
        return b""


def _missing_bytes(data: bytes) -> int:
    """How many bytes the last UTF-8 character of `data` still lacks: 0 when it is whole (or not UTF-8)."""
    for back in range(1, min(4, len(data)) + 1):
        first = data[-back]
        if first & 0xC0 != 0x80:  # not a continuation byte: where the last character starts
            length = 2 if 0xC0 <= first < 0xE0 else 3 if 0xE0 <= first < 0xF0 else 4 if 0xF0 <= first < 0xF8 else 1
            return max(length - back, 0)
    return 0
