"""The figures of pane 4 and `tmtui stats`, on hand-built models: empty, ordinary, and ones `check` flags."""

import json
import tomllib

from tmtui.cli import stats_data
from tmtui.model import Risk, compute_metrics, model_from_data
from tmtui.model.metrics import reviews_in_order, since_review


def model_of(text: str):
    return model_from_data(tomllib.loads(text))[0]


def threat(tid: str, likelihood: str, severity: str, status: str = "open") -> str:
    return (
        f'[[threats]]\nid = "{tid}"\ntitle = "t"\nlikelihood = "{likelihood}"\nseverity = "{severity}"\n'
        f'status = "{status}"\n'
    )


def test_resolved_percent_overall_and_weighted_by_risk():
    model = model_of(
        threat("T1", "high", "high")  # critical, open: weight 5
        + threat("T2", "low", "low", "mitigated")  # note: weight 1
        + threat("T3", "medium", "medium", "accepted")  # medium: weight 3
        + '[[threats]]\nid = "T4"\ntitle = "unrated"\nstatus = "not_applicable"\n'  # unrated: weight 3, as medium
    )
    metrics = compute_metrics(model)
    assert (metrics.resolved_percent, metrics.mitigated_percent) == (75, 25)
    assert metrics.resolved_weighted_percent == round(100 * (1 + 3 + 3) / (5 + 1 + 3 + 3))
    assert metrics.open_high_risk == 1 and metrics.open_by_risk[Risk.CRITICAL] == 1


def test_the_empty_model_has_zero_figures_everywhere():
    metrics = compute_metrics(model_of(""))
    assert (metrics.threats, metrics.open, metrics.resolved_percent, metrics.resolved_weighted_percent) == (0, 0, 0, 0)
    data = stats_data(model_of(""))
    assert data["threats"] == 0 and data["coverage"]["percent"] == 0
    assert data["last_review"] is None and data["since_last_review"] is None


def test_duplicate_ids_and_unknown_values_count_every_threat_without_a_crash():
    model = model_of(
        threat("T1", "high", "high")
        + threat("T1", "low", "low")
        + threat("T2", "extreme", "high", "wip")
        + '[[mitigations]]\nid = "M1"\ntitle = "m"\nthreats = ["T404"]\nstatus = "maybe"\n'
    )
    metrics = compute_metrics(model)
    assert metrics.threats == 3
    assert sum(metrics.by_risk.values()) == 3  # both T1s, each with its own risk
    assert metrics.by_risk[Risk.CRITICAL] == 1 and metrics.by_risk[Risk.NOTE] == 1
    assert metrics.by_risk[Risk.UNRATED] == 1
    assert metrics.open == 2 and metrics.threats_without_mitigation == ["T1", "T1"]
    json.dumps(stats_data(model))  # plain data all the way down


def test_reviews_are_ordered_by_date_and_a_hand_written_figure_that_is_not_a_number_is_skipped():
    model = model_of(
        threat("T1", "high", "high")
        + '[[reviews]]\nid = "R2"\ndate = 2026-03-01\n[reviews.metrics]\nthreats = 4\nopen = "many"\n\n'
        + '[[reviews]]\nid = "R1"\ndate = 2026-01-01\n[reviews.metrics]\nthreats = 9\n\n'
        + '[[reviews]]\nid = "R3"\ndate = 2026-02-01\n\n'  # no figures kept: not a point of the trend
        + '[[reviews]]\nid = "R4"\ndate = "yesterday"\n[reviews.metrics]\nopen = true\n'
    )
    assert [r.id for r in reviews_in_order(model)] == ["R4", "R1", "R2"]
    changes = {c.key: c for c in since_review(reviews_in_order(model)[-1], compute_metrics(model))}
    assert (changes["threats"].before, changes["threats"].after, changes["threats"].delta) == (4, 1, -3)
    assert changes["open"].before is None and changes["open"].delta == 0
    assert changes["open_high_risk"].verdict == ""


def test_stats_data_has_the_documented_keys():
    model = model_of(
        '[[components]]\nid = "C1"\nname = "API"\nkind = "process"\n\n'
        + threat("T1", "high", "medium")
        + 'stride = ["spoofing"]\ntargets = ["C1"]\n\n'
        + '[[reviews]]\nid = "R1"\ndate = 2026-01-01\n[reviews.metrics]\nthreats = 0\nopen = 0\n'
        + "open_high_risk = 0\nmitigated_percent = 0\n"
    )
    data = stats_data(model)
    assert list(data) == [
        "threats",
        "open",
        "open_high_risk",
        "by_risk",
        "open_by_risk",
        "by_status",
        "mitigated_percent",
        "resolved_percent",
        "resolved_weighted_percent",
        "threats_without_mitigation",
        "mitigations",
        "mitigations_by_status",
        "coverage",
        "last_review",
        "since_last_review",
    ]
    assert data["by_risk"]["high"] == 1 and data["open_by_risk"]["high"] == 1 and data["by_status"]["open"] == 1
    coverage = data["coverage"]
    assert (coverage["percent"], coverage["expected"], coverage["open"], coverage["not_considered"]) == (17, 6, 1, 5)
    assert coverage["elements"][0]["cells"]["spoofing"] == "open"
    assert coverage["gaps"][0] == {"id": "C1", "stride": "tampering"}
    assert data["last_review"] == {
        "id": "R1",
        "date": "2026-01-01",
        "metrics": {"threats": 0, "open": 0, "open_high_risk": 0, "mitigated_percent": 0},
    }
    assert data["since_last_review"]["open_high_risk"] == {"before": 0, "after": 1}
