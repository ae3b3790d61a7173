"""The layers point one way: model ← document ← session ← tui. Checked on the source, so a stray import fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tmtui"


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def modules(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _outside(path: Path, folder: str) -> bool:
    return (PACKAGE / folder) not in path.parents


@pytest.mark.parametrize("path", modules("model"), ids=lambda p: p.name)
def test_the_model_imports_nothing_of_tmtui_outside_itself_and_does_no_toml(path):
    for name in imports_of(path):
        assert not (name.startswith("tmtui.") and not name.startswith("tmtui.model")), name
        assert name.split(".")[0] not in {"textual", "rich", "tomlkit", "tomllib"}, name


@pytest.mark.parametrize("path", modules("rules"), ids=lambda p: p.name)
def test_the_rules_read_only_the_model_and_do_no_io(path):
    """The suggestions are pure: the library reaches them as data, read by the document layer."""
    for name in imports_of(path):
        assert not name.startswith("tmtui.") or name.startswith(("tmtui.model", "tmtui.rules")), name
        assert name.split(".")[0] not in {"textual", "rich", "tomlkit", "tomllib", "os", "pathlib", "io", "shutil"}, (
            name
        )
    assert "open(" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path", [p for p in modules() if _outside(p, "tui")], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_nothing_outside_the_tui_imports_textual(path):
    assert not {n for n in imports_of(path) if n.split(".")[0] in {"textual", "rich"}}


@pytest.mark.parametrize(
    "path", [p for p in modules() if _outside(p, "document")], ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_only_the_document_layer_reads_or_writes_toml(path):
    assert not {n for n in imports_of(path) if n.split(".")[0] in {"tomlkit", "tomllib"}}
