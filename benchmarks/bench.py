"""Figures for tmtui's performance targets, on a generated model of realistic shape but large size.

Run from the repository root:  python benchmarks/bench.py [--threats N]

Targets: the app shows its first screen in under a second; `tmtui check` reads with tomllib, several times faster
than tomlkit; an edit (change, re-validate, render and verify for saving) stays well under a frame at 60 Hz on a
typical model, so no keystroke waits.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tmtui.document.edit import Document  # noqa: E402
from tmtui.document.read import read_model  # noqa: E402


def generate(threats: int) -> str:
    components = max(5, threats // 4)
    lines = ["# A generated model for benchmarks.", "schema = 1", "", "[system]", 'name = "Benchmark"', ""]
    for i in range(1, 11):
        lines += ["[[assets]]", f'id = "A{i}"', f'name = "Asset {i}"', 'sensitivity = "high"', ""]
    for i in range(1, components + 1):
        lines += [f"# Component {i}", "[[components]]", f'id = "C{i}"', f'name = "Service {i}"', 'kind = "process"']
        lines += [f'assets = ["A{i % 10 + 1}"]', ""]
    for i in range(1, components):
        lines += ["[[flows]]", f'id = "F{i}"', f'from = "C{i}"', f'to = "C{i + 1}"', f'label = "call {i}"', ""]
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
            "[[mitigations]]",
            f'id = "M{i}"',
            f'title = "Fix {i}"',
            f'threats = ["T{2 * i}"]',
            'status = "done"',
            "",
        ]
    return "\n".join(lines)


def timed(action: Callable[[], object], repeat: int = 5) -> float:
    """The median of `repeat` runs, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def first_screen_ms(path: Path) -> float:
    from tmtui.document.settings import Settings
    from tmtui.tui.app import TmtuiApp
    from tmtui.tui.screens.main_screen import MainScreen

    async def run() -> float:
        start = time.perf_counter()
        app = TmtuiApp(path, settings=Settings(), watch_interval=None)
        async with app.run_test(size=(100, 30)) as pilot:
            while not isinstance(app.screen, MainScreen):
                await pilot.pause(0.01)
            await pilot.pause()
            return (time.perf_counter() - start) * 1000

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threats", type=int, default=1000)
    threats = parser.parse_args().threats
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "threatmodel.toml"
        path.write_text(generate(threats), encoding="utf-8")
        size_kb = path.stat().st_size / 1024
        print(f"model: {threats} threats, {size_kb:.0f} KiB")

        read_ms = timed(lambda: read_model(path))
        open_ms = timed(lambda: Document.open(path), repeat=3)
        print(f"tmtui check's read (tomllib + validate): {read_ms:8.1f} ms")
        print(f"open for editing (tomlkit + re-home):    {open_ms:8.1f} ms   ratio {open_ms / read_ms:.1f}x")

        from tmtui.paths import bundled

        demo = Path(folder) / "demo.toml"
        demo.write_bytes(bundled("demo.toml"))
        for label, model_path in (("demo model", demo), (f"{threats} threats", path)):
            document = Document.open(model_path)
            counter = iter(range(10**6))

            def edit(document: Document = document, counter=counter) -> None:
                document.set_field("T1", "title", f"Edited {next(counter)}")
                document.findings  # noqa: B018 - the panes redraw from the re-validated model
                document.prepare_save()

            edit_ms = timed(edit)
            prepared = document.prepare_save()
            verify_ms = timed(prepared.verified_bytes) if prepared else 0.0
            print(f"one edit on the UI thread ({label}):".ljust(41) + f"{edit_ms:8.1f} ms   target < 16 ms typical")
            print("  then verified on the save worker:".ljust(41) + f"{verify_ms:8.1f} ms")

        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tmtui", "check", str(path)], capture_output=True, check=False)
        print(f"`tmtui check` as a process:              {(time.perf_counter() - started) * 1000:8.1f} ms")

        print(f"app, first screen (demo model):          {first_screen_ms(demo):8.1f} ms   target < 1000 ms")
        print(f"app, panes shown ({threats} threats):       {first_screen_ms(path):8.1f} ms")


if __name__ == "__main__":
    main()
