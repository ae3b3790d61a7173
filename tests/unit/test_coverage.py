"""Coverage, STRIDE per element: which categories of which element someone has thought about, on hand-built models."""

import tomllib

from tmtui.model import Stride, model_from_data
from tmtui.model.coverage import CellState, compute_coverage
from tmtui.model.metrics import compute_metrics
from tmtui.model.sentence import has_complete_grammar

S, T, R, I, D, E = Stride  # noqa: E741 - the letters of STRIDE


def model_of(text: str):
    return model_from_data(tomllib.loads(text))[0]


ELEMENTS = """
[[components]]
id = "C1"
name = "Customer"
kind = "external"

[[components]]
id = "C2"
name = "API"
kind = "process"

[[components]]
id = "C3"
name = "DB"
kind = "store"

[[flows]]
id = "F1"
label = "query"
from = "C2"
to = "C3"
"""


def cells(coverage, element_id: str) -> dict[Stride, CellState]:
    row = next(e for e in coverage.elements if e.record_id == element_id)
    return {stride: cell.state for stride, cell in row.cells.items()}


def test_each_kind_of_element_expects_its_stride_categories():
    coverage = compute_coverage(model_of(ELEMENTS))
    expected = {e.record_id: e.expected for e in coverage.elements}
    assert expected == {"C1": (S, R), "C2": (S, T, R, I, D, E), "C3": (T, R, I, D), "F1": (T, I, D)}
    assert coverage.expected == 2 + 6 + 4 + 3
    assert (coverage.answered, coverage.open, coverage.not_considered, coverage.percent) == (0, 0, 15, 0)
    assert cells(coverage, "C1") == {
        S: CellState.NOT_CONSIDERED,
        T: CellState.NOT_EXPECTED,
        R: CellState.NOT_CONSIDERED,
        I: CellState.NOT_EXPECTED,
        D: CellState.NOT_EXPECTED,
        E: CellState.NOT_EXPECTED,
    }
    assert coverage.elements_without_threats == ["C1", "C2", "C3", "F1"]


def test_a_category_is_open_while_one_threat_in_it_is_open_and_answered_once_all_are_decided():
    coverage = compute_coverage(
        model_of(
            ELEMENTS
            + """
[[threats]]
id = "T1"
title = "SQL injection"
stride = ["tampering", "information_disclosure"]
targets = ["C3", "F1"]
status = "mitigated"

[[threats]]
id = "T2"
title = "Dump"
stride = ["information_disclosure"]
targets = ["C3"]

[[threats]]
id = "T3"
title = "Ruled out: spoofed customer"
stride = ["spoofing"]
targets = ["C1"]
status = "not_applicable"
"""
        )
    )
    assert cells(coverage, "C3")[T] is CellState.ANSWERED
    assert cells(coverage, "C3")[I] is CellState.OPEN  # T2 has no status: open
    assert cells(coverage, "F1")[T] is CellState.ANSWERED
    assert cells(coverage, "C1")[S] is CellState.ANSWERED  # an answered suggestion counts as considered
    row = next(e for e in coverage.elements if e.record_id == "C3")
    assert row.cells[I].threats == ("T2", "T1")  # open ones first: the next to work on
    assert row.gaps == [R, D]
    assert (coverage.answered, coverage.open) == (4, 1)
    assert coverage.percent == round(100 * 5 / 15)
    assert coverage.elements_without_threats == ["C2"]
    assert ("C2", E) in coverage.gaps() and ("C3", T) not in coverage.gaps()


def test_a_threat_outside_the_expected_categories_shows_but_does_not_count():
    coverage = compute_coverage(
        model_of(ELEMENTS + '[[threats]]\nid = "T1"\ntitle = "x"\nstride = ["spoofing"]\ntargets = ["F1"]\n')
    )
    assert cells(coverage, "F1")[S] is CellState.OPEN
    assert coverage.considered == 0 and coverage.expected == 15


def test_the_empty_model_has_no_coverage_and_no_division_by_zero():
    coverage = compute_coverage(model_of(""))
    assert (coverage.elements, coverage.expected, coverage.percent, coverage.gaps()) == ((), 0, 0, [])


def test_a_model_that_check_flags_still_has_figures():
    coverage = compute_coverage(
        model_of(
            """
[[components]]
id = "C1"
name = "Twin one"
kind = "mainframe"   # an unknown kind counts as a process

[[components]]
id = "C1"
name = "Twin two"

[[components]]
name = "No id"
kind = "store"

[[flows]]
id = "F1"
label = "nowhere"
from = "C9"

[[threats]]
id = "T1"
title = "Dangling and odd"
stride = ["tampering", "teleportation"]
targets = ["C1", "C404", "", "C1"]
assets = ["A9"]
status = "pending"

[[threats]]
id = "T1"
title = "Duplicate id"
stride = "spoofing"
targets = ["F1"]
"""
        )
    )
    assert [e.record_id for e in coverage.elements] == ["C1", "C1", "", "F1"]
    assert [e.element for e in coverage.elements] == ["process", "process", "store", "flow"]
    assert cells(coverage, "C1")[T] is CellState.ANSWERED  # "pending" is not open; "teleportation" is ignored
    no_id = coverage.elements[2]
    assert all(c.state in (CellState.NOT_CONSIDERED, CellState.NOT_EXPECTED) for c in no_id.cells.values())
    assert cells(coverage, "F1") == cells(compute_coverage(model_of("[[flows]]\nid = 'F1'")), "F1")  # no category
    assert coverage.elements_without_threats == [""]  # F1 has a threat, though its stride was not an array


def test_assets_no_threat_names_and_threats_with_a_complete_grammar():
    model = model_of(
        """
[[assets]]
id = "A1"
name = "Cards"

[[assets]]
id = "A2"
name = "Logs"

[[threats]]
id = "T1"
title = "Full"
source = "An attacker"
action = "read the cards"
impact = "fraud"
assets = ["A1"]

[[threats]]
id = "T2"
title = "No impact"
source = "An attacker"
prerequisites = "with a login"
action = "read the logs"
impact = "   "
"""
    )
    coverage = compute_coverage(model)
    assert coverage.assets_without_threats == ["A2"]
    assert [has_complete_grammar(t) for t in model.threats] == [True, False]
    assert compute_metrics(model).threats_with_complete_grammar == 1
