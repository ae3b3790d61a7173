"""Shared fixtures. Tests never read ../shared: every input they need is in tests/fixtures or written here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same examples every run, so a landing never depends on a lucky draw; locally, runs explore anew.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def commented_text() -> str:
    return (FIXTURES / "commented.toml").read_text(encoding="utf-8")


@pytest.fixture
def commented_file(tmp_path: Path, commented_text: str) -> Path:
    path = tmp_path / "threatmodel.toml"
    path.write_text(commented_text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config, data and state go to a temp folder, never the developer's own."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
