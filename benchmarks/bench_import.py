"""How long a Threat Composer import takes, against its target and its floor.

Run from the repository root:  python benchmarks/bench_import.py [--threats N]

Target: 10,000 threats (each with a mitigation and an asset) imported into a new model in under 5 s. The floor
is `json.load` of the same file: no import can be faster than reading it. Imports must grow linearly, so the
script also times a quarter of the size; the ratio should stay near 4.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tmtui.cli import main as tmtui  # noqa: E402

TARGET_SECONDS = 5.0


def workspace(threats: int) -> dict[str, Any]:
    """A Threat Composer file of `threats` threats, one mitigation and one link each, over 50 assets."""
    data: dict[str, Any] = {
        "schema": 1,
        "applicationInfo": {"name": "Benchmark", "description": "A generated workspace."},
        "assumptions": [{"id": f"as-{i}", "content": f"Assumption {i}"} for i in range(threats // 10)],
        "threats": [],
        "mitigations": [],
        "mitigationLinks": [],
        "assumptionLinks": [],
    }
    for i in range(threats):
        data["threats"].append(
            {
                "id": f"t-{i}",
                "threatSource": "An external attacker",
                "prerequisites": "with network access",
                "threatAction": f"replay request {i}",
                "threatImpact": "a double charge",
                "impactedAssets": [f"asset {i % 50}"],
                "metadata": [{"key": "STRIDE", "value": ["T"]}, {"key": "Priority", "value": "High"}],
                "tags": ["bench"],
            }
        )
        data["mitigations"].append({"id": f"m-{i}", "content": f"Sign request {i}"})
        data["mitigationLinks"].append({"mitigationId": f"m-{i}", "linkedId": f"t-{i}"})
        if i % 10 == 0:
            data["assumptionLinks"].append({"type": "Threat", "assumptionId": f"as-{i // 10}", "linkedId": f"t-{i}"})
    return data


def timed_import(threats: int, folder: Path) -> tuple[float, float]:
    """Seconds for `json.load` of the file and for `tmtui import` of it into a new model."""
    source = folder / f"bench-{threats}.tc.json"
    source.write_text(json.dumps(workspace(threats)), encoding="utf-8")
    start = time.perf_counter()
    json.loads(source.read_bytes())
    floor = time.perf_counter() - start
    model = folder / f"bench-{threats}.toml"
    start = time.perf_counter()
    code = tmtui(["import", str(source), "--from", "threat-composer", "-o", str(model)])
    took = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"import failed with exit code {code}")
    return floor, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threats", type=int, default=10_000)
    threats = parser.parse_args().threats
    with tempfile.TemporaryDirectory() as folder:
        _, quarter = timed_import(threats // 4, Path(folder))
        floor, took = timed_import(threats, Path(folder))
    verdict = "meets" if took < TARGET_SECONDS else "MISSES"
    print(
        f"import of {threats} threats: {took:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict}); floor {floor:.3f} s"
    )
    print(f"growth from {threats // 4} to {threats} threats: x{took / quarter:.1f} (linear is x4)")


if __name__ == "__main__":
    main()
