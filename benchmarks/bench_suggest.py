"""How long `tmtui suggest` takes beside `tmtui check` on the same model, as whole processes.

Run from the repository root:  python benchmarks/bench_suggest.py [--threats 1000] [--repeat 5]

Target (issue 9): suggest is no slower than check by more than half (ratio ≤ 1.5). Both read and validate the
model; suggest also reads the threat library and runs every rule, so the ratio is the cost of the rules. The
model is bench.py's generated one, with trust boundaries and tags added so the rules and library have work to do.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import generate, row, timed  # noqa: E402

TARGET_RATIO = 1.5
TAG_SETS = ('["api", "sql"]', '["web", "identity"]', '["queue", "payments"]', '["secrets", "cloud"]', "[]")


def with_boundaries_and_tags(text: str) -> str:
    """bench.py's model with three trust boundaries, components spread over them and tagged in turn."""
    count = 0

    def placed(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f'{match.group()}\nboundary = "B{count % 3 + 1}"\ntags = {TAG_SETS[count % len(TAG_SETS)]}'

    text = re.sub(r'kind = "process"', placed, text)
    boundaries = "".join(f'\n[[boundaries]]\nid = "B{i}"\nname = "Zone {i}"\n' for i in (1, 2, 3))
    return text + boundaries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threats", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    repeat = max(5, arguments.repeat)
    print(f"python {sys.version.split()[0]} on {sys.platform}; medians of {repeat} runs")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "threatmodel.toml"
        path.write_text(with_boundaries_and_tags(generate(arguments.threats)), encoding="utf-8")
        suggested = subprocess.run(
            [sys.executable, "-m", "tmtui", "suggest", str(path), "--format", "json"],
            capture_output=True,
            check=True,
            cwd=ROOT,
        )
        count = len(json.loads(suggested.stdout))
        print(f"\n{arguments.threats} threats, {path.stat().st_size / 1024:.0f} KiB, {count} suggestions")
        row("figure", "measured", "target", "floor")

        def run(*args: str) -> Callable[[], object]:
            command = [sys.executable, "-m", "tmtui", *args]
            return lambda: subprocess.run(command, capture_output=True, check=False, cwd=ROOT)

        # The two alternate, one run each in turn, so that a busy moment of the machine weighs on both alike.
        checks, suggestions = [], []
        for _ in range(repeat):
            checks.append(timed(run("check", str(path)), 1))
            suggestions.append(timed(run("suggest", str(path)), 1))
        check, suggest = statistics.median(checks), statistics.median(suggestions)
        ratio = suggest / check
        verdict = "met" if ratio <= TARGET_RATIO else "NOT MET"
        row("`tmtui check`", f"{check:.0f} ms")
        row(
            "`tmtui suggest`",
            f"{suggest:.0f} ms",
            f"≤ {TARGET_RATIO}× ({ratio:.2f}×) {verdict}",
            f"{check:.0f} ms",
        )


if __name__ == "__main__":
    main()
