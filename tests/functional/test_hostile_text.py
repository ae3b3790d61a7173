"""A model whose every text holds markup and terminal control: the app shows it literally and never acts on it.

A threat model arrives in pull requests from strangers, so `[@click=app.quit]` in a title is characters to show,
`[link=…]` is not a hyperlink, and `\\x1b[2J` or an OSC 52 sequence never reaches the terminal (ESC shows as `␛`).
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.strip import Strip

from tmtui.document.merge import Conflict
from tmtui.document.settings import Settings
from tmtui.tui.app import TmtuiApp
from tmtui.tui.screens.confirm_modal import ChoiceModal
from tmtui.tui.screens.export_screen import ExportScreen
from tmtui.tui.screens.help_screen import HelpScreen
from tmtui.tui.screens.main_screen import MainScreen
from tmtui.tui.screens.record_screen import RecordScreen
from tmtui.tui.widgets.building_pane import LIST_SECTIONS
from tmtui.tui.widgets.record_list import RecordList

HOSTILE = [
    "Open redirect via [next=https://evil]",
    "[@click=app.quit]",
    "[link=https://evil.example]here[/link]",
    "[bold red]x[/]",
    "a[0] and [x]",
    "\x1b[2J",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m",
    "脅威モデル：注入攻撃の標題",
    "W" * 300,
]
ALL = " ".join(HOSTILE[:-1])
# a threat each for the crash as reported, the click alone, everything at once, and wide plus long text
THREAT_TITLES = [HOSTILE[0], HOSTILE[1], ALL, HOSTILE[9] + HOSTILE[10]]
SYSTEM_NAME = "[@click=app.quit] \x1b]0;pwned\x07 [b]Shop"


def q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text)


def hostile_model() -> str:
    lines = [
        "schema = 1",
        "",
        "[system]",
        f"name = {q(SYSTEM_NAME)}",
        f"description = {q(ALL)}",
        f"owners = [{q('[red]ops')}]",
        "",
        f'[[assets]]\nid = "A1"\nname = {q(ALL)}\ndescription = {q(ALL)}\n',
        f'[[boundaries]]\nid = "B1"\nname = {q(ALL)}\n',
        f'[[components]]\nid = "C1"\nname = {q(ALL)}\nboundary = "B1"\nkind = "process"\nassets = ["A1"]\n',
        f'[[components]]\nid = "C2"\nname = {q("[@click=app.quit] 数据库")}\nkind = "store"\n',
        f'[[flows]]\nid = "F1"\nlabel = {q(ALL)}\nfrom = "C1"\nto = "C2"\nprotocol = {q("[b]https")}\n',
        f'[[stories]]\nid = "US1"\ntext = {q(ALL)}\n',
        f'[[assumptions]]\nid = "AS1"\ntext = {q(ALL)}\n',
    ]
    for number, text in enumerate(THREAT_TITLES, start=1):
        lines.append(
            f'[[threats]]\nid = "T{number}"\ntitle = {q(text)}\nsource = {q(text)}\naction = {q(text)}\n'
            f'impact = {q(text)}\nnotes = {q(text)}\ntags = [{q(text)}]\ntargets = ["C1"]\n'
            f'likelihood = "high"\nseverity = "high"\n{q("x-[@click=app.quit]")} = {q(text)}\n'
        )
    lines.append(
        f'[[mitigations]]\nid = "M1"\ntitle = {q(ALL)}\nowner = {q("[@click=app.quit]")}\n'
        f'ticket = {q(HOSTILE[5])}\nthreats = ["T1", "T2"]\n'
    )
    lines.append(
        f'[[reviews]]\nid = "R1"\ndate = 2026-01-02\nparticipants = [{q("[@click=app.quit]")}]\nnotes = {q(ALL)}\n'
    )
    return "\n".join(lines)


def screen_strips(app: TmtuiApp) -> list[Strip]:
    return app.screen._compositor.render_strips()


def screen_text(app: TmtuiApp) -> str:
    return "\n".join(strip.text for strip in screen_strips(app))


def assert_nothing_reaches_the_terminal(app: TmtuiApp, where: str) -> None:
    """No ESC, BEL or C1 control in what would be written, no hyperlink, no click action from model text."""
    for strip in screen_strips(app):
        for segment in strip:
            assert not any(c in segment.text for c in "\x1b\x07\x9b"), f"{where}: {segment.text!r}"
            style = segment.style
            if style is not None:
                assert not style.link, f"{where}: a link to {style.link} from {segment.text!r}"
                assert style.meta.get("@click") != "app.quit", f"{where}: a click action on {segment.text!r}"


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_hostile_text_is_shown_literally_everywhere_and_never_reaches_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "threatmodel.toml"
    path.write_text(hostile_model(), encoding="utf-8")
    app = TmtuiApp(path, settings=Settings(autosave=False), watch_interval=None)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "[@click=app.quit] ␛]0;pwned␇ [b]Shop" in screen_text(app)  # the header
        assert_nothing_reaches_the_terminal(app, "pane 1")

        building = app.screen.query_one("#pane-1")
        for section in [*LIST_SECTIONS, "system", "map"]:
            await building.open_section(section)
            await settle(pilot)
            assert_nothing_reaches_the_terminal(app, f"pane 1, {section}")
            if section == "system":
                assert "a[0] and [x] ␛[2J ␛]52;c;aGVsbG8=" in screen_text(
                    app
                )  # the description, drawn        assert "[@click=app.quit] 数据库" in screen_text(app)  # the map

        await pilot.press("2")
        await settle(pilot)
        shown = screen_text(app)
        for literal in ("[@click=app.quit]", "Open redirect via [next=https://evil]"):
            assert literal in shown, literal
        assert_nothing_reaches_the_terminal(app, "pane 2")

        for pane in "34":
            await pilot.press(pane)
            await settle(pilot)
            assert_nothing_reaches_the_terminal(app, f"pane {pane}")
        assert "[@click=app.quit]" in screen_text(app)  # the review's participant

        session = app.session
        assert session is not None
        for record in session.model.all_records():
            app.open_record(record.KIND, record.id)
            await settle(pilot)
            assert isinstance(app.screen, RecordScreen)
            assert_nothing_reaches_the_terminal(app, f"the form of {record.id}")
            if record.id == "T2":
                assert "[@click=app.quit]" in screen_text(app)
            if record.id == "T3":
                sentence = str(app.screen.query_one("#sentence").render())
                for text in HOSTILE[:5]:
                    assert text in sentence, text
            app.pop_screen()
            await settle(pilot)

        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"click")
        await settle(pilot)
        await pilot.pause(0.3)  # the palette searches on a timer
        assert "[@click=app.quit]" in screen_text(app)
        assert_nothing_reaches_the_terminal(app, "the palette")
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("2")
        app.screen.query_one("#threats", RecordList).select("T2")
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert "[@click=app.quit]" in screen_text(app)
        assert_nothing_reaches_the_terminal(app, "the delete dialog")
        await pilot.press("escape")
        await settle(pilot)

        app.ask_about([Conflict("threats", "T2", "title", "[@click=app.quit]", "\x1b]52;c;aGVsbG8=\x07 [b]theirs")])
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        assert "[b]theirs" in screen_text(app)
        assert_nothing_reaches_the_terminal(app, "the conflict dialog")
        await pilot.press("t")
        await settle(pilot)

        app.notify(f"Deleted {HOSTILE[1]} {HOSTILE[5]}")
        await settle(pilot)
        assert "Deleted [@click=app.quit] ␛[2J" in screen_text(app)
        assert_nothing_reaches_the_terminal(app, "a notification")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "[@click=app.quit]" in screen_text(app)
        assert_nothing_reaches_the_terminal(app, "the export screen")
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert_nothing_reaches_the_terminal(app, "help")
        await pilot.press("escape")
    assert app.return_code in (None, 0)


async def test_a_screens_notification_naming_a_path_is_never_read_as_markup(tmp_path: Path) -> None:
    path = tmp_path / "threatmodel.toml"
    path.write_text('schema = 1\n\n[system]\nname = "x"\n', encoding="utf-8")
    app = TmtuiApp(path, settings=Settings(), watch_interval=None)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.screen.notify("Wrote tm[reverse]x[/].md")  # a screen's notify asks for markup by default
        await pilot.pause()
        notification = list(app._notifications)[-1]
        assert notification.markup is False and notification.message == "Wrote tm[reverse]x[/].md"
