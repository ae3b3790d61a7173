from tmtui.model.text import has_control, visible
from tmtui.tui.text import literal


def test_escape_sequences_become_visible_pictures():
    assert visible("a\x1b[2Jb") == "a␛[2Jb"
    assert visible("\x1b]52;c;aGk=\x07") == "␛]52;c;aGk=␇"


def test_tab_and_newline_stay_as_layout():
    assert visible("one\ttwo\nthree") == "one\ttwo\nthree"


def test_del_and_c1_controls_are_shown_not_sent():
    assert visible("x\x7fy") == "x␡y"
    assert visible("\x9b2J") == "<U+009B>2J"
    assert has_control("\x85") and not has_control("plain [bold] text\n")


def test_literal_text_keeps_markup_as_characters():
    shown = literal("[@click=app.quit]x[/] and [bold red]y[/]")
    assert shown.plain == "[@click=app.quit]x[/] and [bold red]y[/]"
    assert not shown.spans
