"""Figures for tmtui's performance targets (issue 8), on generated models of realistic shape but large size.

Run from the repository root:  python benchmarks/bench.py [--threats 1000 5000] [--repeat 5]

Each figure is the median of `--repeat` runs, printed beside its target and beside the floor measured in the same
run: `tomllib` reading the same file, the reader tmtui itself uses. The document figures
(open, edit, undo, save, memory) are measured here, and the app's first paint against a bare Textual DataTable with
`bench_app.py`'s timing (`ui_figures`); that script also times the app's edits.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tmtui.document.edit import Document  # noqa: E402
from tmtui.session import Session  # noqa: E402

EDITS = 200


def generate(threats: int) -> str:
    """A model with assets, components, flows, threats and mitigations, and a comment above every record."""
    components = max(5, threats // 4)
    lines = ["# A generated model for benchmarks.", "schema = 1", "", "[system]", 'name = "Benchmark"', ""]
    for i in range(1, 11):
        lines += [f"# Asset {i}", "[[assets]]", f'id = "A{i}"', f'name = "Asset {i}"', 'sensitivity = "high"', ""]
    for i in range(1, components + 1):
        lines += [f"# Component {i}", "[[components]]", f'id = "C{i}"', f'name = "Service {i}"', 'kind = "process"']
        lines += [f'assets = ["A{i % 10 + 1}"]', ""]
    for i in range(1, components):
        lines += [f"# Flow {i}", "[[flows]]", f'id = "F{i}"', f'from = "C{i}"', f'to = "C{i + 1}"']
        lines += [f'label = "call {i}"', ""]
    for i in range(1, threats + 1):
        lines += [
            f"# Threat {i}: found in session {i % 7}",
            "[[threats]]",
            f'id = "T{i}"',
            f'title = "Threat number {i} against service {i % components + 1}"',
            'stride = ["tampering", "information_disclosure"]',
            'source = "An attacker"',
            f'action = "abuse endpoint {i}"',
            f'targets = ["C{i % components + 1}"]',
            f'likelihood = "{("low", "medium", "high")[i % 3]}"',
            f'severity = "{("high", "medium", "low")[i % 3]}"',
            f'status = "{("open", "mitigated", "accepted")[i % 3]}"',
            'notes = """',
            "Several lines",
            'of notes."""',
            "",
        ]
    for i in range(1, threats // 2 + 1):
        lines += [
            f"# Mitigation {i}",
            "[[mitigations]]",
            f'id = "M{i}"',
            f'title = "Fix {i}"',
            f'threats = ["T{2 * i}"]',
            'status = "done"',
            "",
        ]
    return "\n".join(lines)


def timed(action: Callable[[], object], repeat: int, setup: Callable[[], object] | None = None) -> float:
    """The median of `repeat` runs of `action`, in milliseconds; `setup` runs untimed before each."""
    samples = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def row(label: str, value: str, target: str = "", floor: str = "") -> None:
    print(f"  {label:<44}{value:>12}   {target:<28}{floor}")


def verdict(ms: float, limit: float) -> str:
    return f"≤ {limit:g} ms  {'met' if ms <= limit else 'NOT MET'}"


def document_figures(path: Path, threats: int, repeat: int) -> None:
    """Open, edit, undo and redo, save, and memory, each beside its target and the floor."""
    text = path.read_text(encoding="utf-8")
    floor = timed(lambda: tomllib.loads(text), repeat)
    # the app cuts the file on a worker after its first screen; here the two are timed together
    opened = timed(lambda: Document.open(path).prepare_edits(), repeat)
    row(
        "open for editing (read, tomllib, scan)",
        f"{opened:.1f} ms",
        f"{opened / floor:.2f}× the floor",
        f"{floor:.1f} ms",
    )

    session = Session.open(path)
    document = session.document
    counter = iter(range(10**9))

    def edit() -> None:
        number = next(counter)
        session.set_field(f"T{number % threats + 1}", "title", f"Edited {number}")
        session.prepare_save()

    edit_ms = timed(edit, repeat)
    row("one field edit on the UI thread", f"{edit_ms:.2f} ms", verdict(edit_ms, 16), "(set_field + prepare_save)")
    undo_ms = timed(session.undo, repeat)
    redo_ms = timed(session.redo, repeat)
    row("undo of one edit", f"{undo_ms:.2f} ms", verdict(undo_ms, 16))
    row("redo of one edit", f"{redo_ms:.2f} ms", verdict(redo_ms, 16))

    def edit_and_write() -> None:
        edit()
        prepared = document.prepare_save()
        if prepared is not None:
            document.write(prepared)  # on the save worker: verify with tomllib, then the atomic write

    disk_ms = timed(edit_and_write, repeat)
    limit = 250 if threats <= 1000 else 1000
    row("edit until the file is on disk", f"{disk_ms:.1f} ms", verdict(disk_ms, limit), f"{floor:.1f} ms (tomllib)")
    memory_figures(path, threats)


MEMORY_PROBE = """
import gc, sys, tomllib
from pathlib import Path
sys.path.insert(0, {root!r})
path, threats, edits = Path({path!r}), {threats}, {edits}
if sys.argv[1] == "floor":
    data = tomllib.loads(path.read_text(encoding="utf-8"))
else:
    from tmtui.session import Session
    session = Session.open(path)
    session.model
    for number in range(edits):
        session.set_field(f"T{{number % threats + 1}}", "title", f"Edited title {{number}}")
gc.collect()
pages = int(Path("/proc/self/statm").read_text().split()[1])
import os
print(pages * os.sysconf("SC_PAGE_SIZE") / 2**20)
"""


def memory_figures(path: Path, threats: int) -> None:
    """Resident size of a process holding the model after EDITS edits (beside one holding tomllib's data), and
    what the undo history holds beside the records it edited."""
    if Path("/proc/self/statm").exists():
        probe = MEMORY_PROBE.format(root=str(ROOT), path=str(path), threats=threats, edits=EDITS)
        sizes = {}
        for what in ("floor", "session"):
            result = subprocess.run([sys.executable, "-c", probe, what], capture_output=True, text=True, check=True)
            sizes[what] = float(result.stdout)
        row(f"resident size after {EDITS} edits", f"{sizes['session']:.0f} MiB", "printed", f"{sizes['floor']:.0f} MiB")
    session = Session.open(path)
    tracemalloc.start()
    for number in range(EDITS):
        session.set_field(f"T{number % threats + 1}", "title", f"Edited title {number}")
    gc.collect()
    with_undo = tracemalloc.get_traced_memory()[0]
    session._undo.clear()
    gc.collect()
    without_undo = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    held = with_undo - without_undo
    records = sum(_deep_size(session.document._where[f"T{n % threats + 1}"]) for n in range(EDITS))
    ratio = held / records
    row(f"undo history of {EDITS} edits", f"{held / 1024:.0f} KiB", f"< 2× the records ({ratio:.2f}×)")


def _deep_size(segment: object) -> int:
    """The memory a record takes in the document: its segment, its text and its data."""
    seen: set[int] = set()

    def size(item: object) -> int:
        if id(item) in seen:
            return 0
        seen.add(id(item))
        total = sys.getsizeof(item)
        if isinstance(item, dict):
            total += sum(size(k) + size(v) for k, v in item.items())
        elif isinstance(item, (list, tuple)):
            total += sum(size(v) for v in item)
        return total

    return sys.getsizeof(segment) + size(segment.text) + size(segment.row)  # type: ignore[attr-defined]


def process_figures(path: Path, repeat: int, instructions: bool = False) -> None:
    """`tmtui check` and `tmtui export` as whole processes, beside a bare process that reads the file with tomllib.

    Both run as an installed program would: with compiled bytecode (kept in a folder of its own, after one
    untimed run), whatever PYTHONDONTWRITEBYTECODE says here. Runs of the floor and of the command alternate,
    so that a busy moment of the machine weighs on both. With `instructions`, each is also counted once with
    valgrind, a figure that does not move with the machine's load."""
    with tempfile.TemporaryDirectory() as cache:
        environment = {**os.environ, "PYTHONPYCACHEPREFIX": cache}
        environment.pop("PYTHONDONTWRITEBYTECODE", None)

        def run(command: list[str]) -> None:
            # output to /dev/null, as `> report.md` would: through a pipe, this process reading it would be timed too
            quiet = subprocess.DEVNULL
            subprocess.run(command, stdout=quiet, stderr=quiet, check=False, cwd=ROOT, env=environment)

        floor_command = [sys.executable, "-c", f"import tomllib; tomllib.load(open({str(path)!r}, 'rb'))"]
        # the `tmtui` a user runs: the installed script beside this Python, or `python -m tmtui` without one
        script = Path(sys.executable).with_name("tmtui")
        tmtui = [sys.executable, *((str(script),) if script.exists() else ("-m", "tmtui"))]
        run(floor_command)  # compiles its bytecode, before it is counted
        floor_count = _instructions(floor_command, environment) if instructions else 0
        for label, args in (
            ("`tmtui check`", ("check", str(path))),
            ("`tmtui export` (markdown)", ("export", str(path))),
            ("`tmtui export --format json`", ("export", str(path), "--format", "json")),
        ):
            command = [*tmtui, *args]
            run(command)  # compiles its bytecode
            floors, times = [], []
            for _ in range(repeat):
                floors.append(timed(lambda: run(floor_command), 1))
                times.append(timed(lambda command=command: run(command), 1))  # type: ignore[misc]
            floor, ms = statistics.median(floors), statistics.median(times)
            ratio = ms / floor
            row(
                label,
                f"{ms:.0f} ms",
                f"≤ 1.5× ({ratio:.2f}×) {'met' if ratio <= 1.5 else 'NOT MET'}",
                f"{floor:.0f} ms",
            )
            if instructions:
                count = _instructions(command, environment)
                ratio = count / floor_count
                verdict_text = f"≤ 1.5× ({ratio:.2f}×) {'met' if ratio <= 1.5 else 'NOT MET'}"
                row("  in instructions (valgrind)", f"{count / 1e9:.2f} G", verdict_text, f"{floor_count / 1e9:.2f} G")


def _instructions(command: list[str], environment: dict[str, str]) -> int:
    """The instructions a process runs, counted by valgrind's callgrind: the same count whatever else the machine
    is doing, where times on a shared machine swing by a third from one minute to the next. (With one hash seed:
    Python's randomised string hashing alone moves a count by a few million.)"""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**environment, "PYTHONHASHSEED": "0"},
    )
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if collected is None:
        raise RuntimeError(f"valgrind counted nothing:\n{result.stderr[-2000:]}")
    return int(collected.group(1))


def ui_figures(path: Path, threats: int, repeat: int) -> None:
    """The app's first paint with the model's rows on screen, beside a bare Textual app showing a DataTable of as
    many rows, alternating in the same run (`bench_app.py`, which also times the app's edits)."""
    from bench_app import first_paint_figures, throwaway_state

    with throwaway_state():
        first_paint_figures(path, threats, repeat, label="app: first paint")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threats", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-ui", action="store_true", help="skip the app's first paint")
    parser.add_argument(
        "--instructions", action="store_true", help="also count the processes' instructions with valgrind (slow)"
    )
    arguments = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {sys.platform}; medians of {arguments.repeat} runs")
    for threats in arguments.threats:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "threatmodel.toml"
            path.write_text(generate(threats), encoding="utf-8")
            print(f"\n{threats} threats, {path.stat().st_size / 1024:.0f} KiB")
            row("figure", "measured", "target", "floor")
            document_figures(path, threats, arguments.repeat)
            process_figures(path, arguments.repeat, arguments.instructions and shutil.which("valgrind") is not None)
            if not arguments.no_ui:
                ui_figures(path, threats, arguments.repeat)


if __name__ == "__main__":
    main()
