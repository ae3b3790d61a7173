"""The promises the repository makes to a newcomer stay true."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest -n auto"


def test_ci_runs_exactly_the_test_command_the_readme_gives():
    assert TEST_COMMAND in (ROOT / "README.md").read_text()
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_readme_shows_every_screenshot():
    readme = (ROOT / "README.md").read_text()
    shots = sorted(p.name for p in (ROOT / "screenshots").glob("*.svg"))
    assert shots
    for name in shots:
        assert f"(screenshots/{name})" in readme
