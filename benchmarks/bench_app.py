"""Figures for the app's side of issue 8: first paint, one field edit, the file on disk, and memory, on the generated
models of `bench.py`, each beside its target and the floor measured in the same run.

Run from the repository root:  python benchmarks/bench_app.py [--threats 1000 5000] [--repeat 5]

The floor of the first paint is a bare Textual app showing a DataTable of as many rows, run in turn with the app.
An edit is timed on the UI thread from the commit of a field (`session.set_field`) through the app's refresh path
and `prepare_save` until the screen is refreshed; "on disk" runs on until the save worker has written the file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import generate, row, verdict  # noqa: E402
from rich.console import RenderableType  # noqa: E402
from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import DataTable, TabbedContent  # noqa: E402

from tmtui.document.settings import Settings  # noqa: E402
from tmtui.model.validation import revalidate, validate  # noqa: E402
from tmtui.session import Session  # noqa: E402
from tmtui.tui.app import TmtuiApp  # noqa: E402
from tmtui.tui.screens.main_screen import PANES, MainScreen  # noqa: E402
from tmtui.tui.widgets.pane import Pane  # noqa: E402
from tmtui.tui.widgets.record_list import RecordList  # noqa: E402

SIZE = (120, 40)
EDITS = 200
PATIENCE = 120.0  # seconds any wait may take before the benchmark gives up


async def until(condition: Callable[[], bool], pause: Callable[[], Awaitable[object]]) -> None:
    """Wait, a frame at a time, until `condition` holds; bounded, so a broken app stops the benchmark."""
    deadline = time.perf_counter() + PATIENCE
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there")
        await pause()


def threats_table(app: TmtuiApp) -> DataTable | None:
    """The threat list's table, once pane 2 is composed (a pane's content is composed when it is first shown)."""
    if not isinstance(app.screen, MainScreen):
        return None
    found = app.screen.query("#threats")
    return found.first(RecordList).table if found else None


async def show_every_threat(app: TmtuiApp, threats: int) -> None:
    """Once the model is open, press 2, and wait until pane 2 is in view and its table holds every threat."""
    # polled, not paused for: a pause waits on every widget of the loading screen and draws it again each time,
    # which takes the interpreter from the thread reading the model
    await until(lambda: isinstance(app.screen, MainScreen), lambda: asyncio.sleep(0.005))
    # The key as a terminal delivers it, not `pilot.press`: that waits twice for the process to idle after the
    # key, and once more for every widget, on top of the pauses below that the bare app's figure has too (80 ms
    # more after the app is done than the bare app's wait, at 1,000 threats).
    key = events.Key("2", "2")
    key.set_sender(app)
    app._driver.send_message(key)  # type: ignore[union-attr]

    def in_view() -> bool:
        tabs = app.screen.query(TabbedContent)
        return bool(tabs) and tabs.first().active == "tab-2" and len(app.screen.query(Pane)) == len(PANES)

    # Polled too, as the bare app's table is: it holds its rows when first asked, so its figure is one pause until
    # idle. A pause per check here added what the bare app never pays: each one posts a call to every widget, draws
    # the screen again, and waits for 20 ms of idle on its own (about 75 ms of 375 at 1,000 threats). The caller's
    # pause after this waits until the screen is drawn and the app idle, as the bare app's does.
    await until(
        lambda: in_view() and (t := threats_table(app)) is not None and t.row_count == threats,
        lambda: asyncio.sleep(0.005),
    )


def first_frame_with(app: App, ready: Callable[[], bool]) -> list[float]:
    """Note when `app` first puts a frame on screen while `ready()` holds: the list gets that moment, once. Both
    apps are timed by this hook, which sees each frame as the terminal would be sent it (a headless app renders
    every frame and skips only the write)."""
    seen: list[float] = []
    display = app._display

    def noted(screen: Screen, renderable: RenderableType | None) -> None:
        if not seen and renderable is not None and not app._batch_count and ready():
            seen.append(time.perf_counter())
        display(screen, renderable)

    app._display = noted  # type: ignore[method-assign]
    return seen


async def app_first_paint(path: Path, threats: int) -> tuple[float, float]:
    """From `run_test()` until the first frame with pane 2 in view and its table holding every threat (pane 2 is
    asked for at once), and until the app is idle after it; in ms."""
    start = time.perf_counter()
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)

    def threats_shown() -> bool:
        table = threats_table(app)
        if table is None:
            return False
        return table.row_count == threats and app.screen.query_one(TabbedContent).active == "tab-2"

    frame = first_frame_with(app, threats_shown)
    async with app.run_test(size=SIZE) as pilot:
        await show_every_threat(app, threats)
        await pilot.pause()
        return (frame[0] - start) * 1000, (time.perf_counter() - start) * 1000


class BareTable(App[None]):
    """The floor: a DataTable with the threat list's columns and as many rows, filled on mount."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(" ", width=1)
        for title, width in (("Id", 6), ("Threat", 60), ("STRIDE", 6), ("Targets", 8), ("Risk", 8), ("Status", 9)):
            table.add_column(title, width=width)
        for i in range(1, self.rows + 1):
            table.add_row(" ", f"T{i}", f"Threat number {i} against service {i}", "TI", f"C{i}", "medium", "open")


async def bare_first_paint(threats: int) -> tuple[float, float]:
    start = time.perf_counter()
    app = BareTable(threats)
    table_full = lambda: bool(app.query(DataTable)) and app.query_one(DataTable).row_count == threats  # noqa: E731
    frame = first_frame_with(app, table_full)
    async with app.run_test(size=SIZE) as pilot:
        await until(table_full, lambda: asyncio.sleep(0.005))  # polled, as the app's table is
        await pilot.pause()
        return (frame[0] - start) * 1000, (time.perf_counter() - start) * 1000


async def edits(path: Path, threats: int, count: int) -> dict[str, list[float]]:
    """`count` title edits with pane 2 in view, each of a different threat; per edit, in ms: the UI thread's
    synchronous work (the document's part: `set_field` and the model it rebuilds; the app's: the refresh path and
    `prepare_save`), the time until the screen is refreshed, and the time until the file on disk has it."""
    times: dict[str, list[float]] = {
        "busy": [],
        "document": [],
        "refresh": [],
        "save": [],
        "refreshed": [],
        "on disk": [],
    }
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        await show_every_threat(app, threats)
        await pilot.pause()  # edits start on an idle app, the first screen drawn
        session = app.session
        assert session is not None
        publish = app.model_changed.publish

        def timed_publish(changed: frozenset[str] | None) -> None:
            """The refresh path: every screen redrawing from the model-changed signal."""
            start = time.perf_counter()
            publish(changed)
            times["refresh"].append((time.perf_counter() - start) * 1000)

        app.model_changed.publish = timed_publish  # type: ignore[method-assign,assignment]
        for number in range(count):
            record_id, title = f"T{(number * 37) % threats + 1}", f"Edited title {number}"
            before = path.stat()
            start = time.perf_counter()
            session.set_field(record_id, "title", title)  # what a form does when the field is left
            session.model, session.findings  # noqa: B018 -- the rebuild the refresh would otherwise start
            document = time.perf_counter()
            # the screen's next refresh, not pilot.pause(): that waits for the whole process to idle, save worker too.
            # Asked for before the edit's own callbacks (the save worker starts after the same refresh), so that the
            # figure is the paint, not the paint and the start of the save.
            painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            app.call_after_refresh(lambda painted=painted: painted.done() or painted.set_result(time.perf_counter()))
            app.after_edit(frozenset({record_id}))  # the refresh path, and the save: prepare_save, then a worker
            done = time.perf_counter()
            times["busy"].append((done - start) * 1000)
            times["document"].append((document - start) * 1000)
            times["save"].append((done - document) * 1000 - times["refresh"][-1])
            times["refreshed"].append((await asyncio.wait_for(painted, PATIENCE) - start) * 1000)

            def written(before: os.stat_result = before, title: str = title) -> bool:
                now = path.stat()
                changed = (now.st_ino, now.st_mtime_ns, now.st_size) != (
                    before.st_ino,
                    before.st_mtime_ns,
                    before.st_size,
                )
                return changed and title in path.read_text(encoding="utf-8")

            await until(written, lambda: asyncio.sleep(0.002))
            times["on disk"].append((time.perf_counter() - start) * 1000)
            await until(lambda: app._saves_running == 0, lambda: asyncio.sleep(0.002))
    return times


MEMORY_PROBE = """
import asyncio, sys
from pathlib import Path
sys.path.insert(0, {root!r}); sys.path.insert(0, {root!r} + "/benchmarks")
import bench_app
print(asyncio.run(bench_app.{probe}(Path({path!r}), {threats})))
"""


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def app_memory(path: Path, threats: int) -> float:
    """Resident size of the app with the model open and pane 2 in view, after EDITS edits each refreshed on
    screen (autosave off, so the saves do not queue up behind a slow edit; one save at the end)."""
    app = TmtuiApp(path, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        await show_every_threat(app, threats)
        await pilot.pause()  # edits start on an idle app, the first screen drawn
        session = app.session
        assert session is not None
        for number in range(EDITS):
            record_id = f"T{(number * 37) % threats + 1}"
            session.set_field(record_id, "title", f"Edited title {number}")
            app.after_edit(frozenset({record_id}))
            await pilot.pause()
        app.save()
        await until(lambda: app._saves_running == 0, lambda: asyncio.sleep(0.01))
        return resident_mib()


async def bare_memory(path: Path, threats: int) -> float:
    await bare_first_paint(threats)
    return resident_mib()


def measure_memory(path: Path, threats: int) -> tuple[float, float]:
    sizes = []
    for probe in ("app_memory", "bare_memory"):
        code = MEMORY_PROBE.format(root=str(ROOT), path=str(path), threats=threats, probe=probe)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"the memory probe {probe} failed:\n{result.stderr[-2000:]}")
        sizes.append(float(result.stdout.split()[-1]))
    return sizes[0], sizes[1]


def timed(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def validation_figures(path: Path, threats: int, repeat: int) -> None:
    """What a whole validation costs after each edit, beside rechecking the edited record (issue 8: `revalidate`)."""
    session = Session.open(path)
    before = session.model
    session.set_field("T2", "title", "Edited for validation")
    after = session.model
    previous = validate(before)
    whole = timed(lambda: validate(after), repeat)
    again = timed(lambda: revalidate(before, after, previous, {"T2"}), repeat)
    row("validate the whole model", f"{whole:.2f} ms")
    row("revalidate the edited record", f"{again:.2f} ms", "", f"{whole / again:.0f}× less")


def first_paints(path: Path, threats: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Medians of the app's first paint and the floor's: the first frame with every row, and the app idle after
    it (`pilot.pause`, which waits in steps of 20 ms until the process is idle: a coarser figure, and one that
    counts work done after the frame, such as the cut for editing). The two alternate, so that both meet the
    machine's swings alike, and each starts with the garbage of the run before collected: left, it weighed on
    whichever ran next (up to half a run of the floor)."""
    app, bare = [], []
    for _ in range(repeat):
        gc.collect()
        app.append(asyncio.run(app_first_paint(path, threats)))
        gc.collect()
        bare.append(asyncio.run(bare_first_paint(threats)))
    return {
        what: (statistics.median(a[n] for a in app), statistics.median(b[n] for b in bare))
        for n, what in enumerate(("frame", "idle"))
    }


def first_paint_figures(path: Path, threats: int, repeat: int, label: str = "first paint") -> None:
    """Print the first paint beside the floor and its target, and the idle figure after it (bench.py prints them
    too)."""
    paints = first_paints(path, threats, repeat if threats <= 1000 else max(3, repeat // 2))
    app_ms, bare_ms = paints["frame"]
    ratio = app_ms / bare_ms
    row(
        f"{label}, threats on screen",
        f"{app_ms:.0f} ms",
        f"≤ 1.5× ({ratio:.2f}×) {'met' if ratio <= 1.5 else 'NOT MET'}",
        f"{bare_ms:.0f} ms (bare DataTable)",
    )
    app_ms, bare_ms = paints["idle"]
    row("  and until idle after it", f"{app_ms:.0f} ms", f"printed ({app_ms / bare_ms:.2f}×)", f"{bare_ms:.0f} ms")


def figures(path: Path, threats: int, repeat: int) -> None:
    first_paint_figures(path, threats, repeat)
    # the first edit of a session also backs the file up; the figures are of the edits after it
    times = {what: statistics.median(ms[1:]) for what, ms in asyncio.run(edits(path, threats, repeat + 1)).items()}
    row("one field edit, UI thread (sync)", f"{times['busy']:.2f} ms", verdict(times["busy"], 16))
    row("  the document: set_field, model rebuilt", f"{times['document']:.2f} ms")
    row("  the app: refresh path (lists, panes)", f"{times['refresh']:.2f} ms")
    row("  the app: save (prepare_save, worker start)", f"{times['save']:.2f} ms")
    # no target: Textual redraws every visible cell of the table after an edit (the one-frame target is the UI
    # thread's work above); printed so that a change here shows
    row("one field edit, until the screen is refreshed", f"{times['refreshed']:.2f} ms", "printed")
    limit = 250 if threats <= 1000 else 1000
    row("edit until the file is on disk", f"{times['on disk']:.1f} ms", verdict(times["on disk"], limit))
    validation_figures(path, threats, repeat)
    if threats >= 5000 and Path("/proc/self/status").exists():
        app_mib, bare_mib = measure_memory(path, threats)
        row(f"resident size after {EDITS} edits", f"{app_mib:.0f} MiB", "printed", f"{bare_mib:.0f} MiB (bare)")


@contextlib.contextmanager
def throwaway_state() -> Iterator[Path]:
    """A folder for the block's time that the app's backups, settings and recent files go to: never the user's
    own (bench.py runs the app too)."""
    names = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
    saved = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory() as home:
        os.environ.update({name: str(Path(home) / name.lower()) for name in names})
        try:
            yield Path(home)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threats", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    with throwaway_state() as home:
        print(
            f"python {platform.python_version()} on {platform.platform()}, {platform.processor() or platform.machine()}"
            f", {os.cpu_count()} cores; medians of {arguments.repeat} runs (first paint at 5,000: at least 3)"
        )
        for threats in arguments.threats:
            path = home / f"threatmodel-{threats}.toml"
            path.write_text(generate(threats), encoding="utf-8")
            print(f"\n{threats} threats, {path.stat().st_size / 1024:.0f} KiB")
            figures(path, threats, arguments.repeat)


if __name__ == "__main__":
    main()
