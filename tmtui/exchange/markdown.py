"""The Markdown report: the four questions as sections, the way a team keeps it in its repo or wiki."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING

from tmtui.exchange.escape import (
    all_inline_plain,
    block,
    block_all,
    cell,
    inline,
    inline_all,
    mermaid_id,
    mermaid_label,
)
from tmtui.model import (
    Level,
    MitigationStatus,
    Model,
    Risk,
    Stride,
    ThreatStatus,
    compute_metrics,
    risk_of,
    threat_sentence,
    threats_by_risk,
)
from tmtui.model.coverage import ALL, CellState, Coverage, compute_coverage
from tmtui.model.metrics import SNAPSHOT_FIGURES, FigureChange, Metrics, figure, reviews_in_order, since_review

if TYPE_CHECKING:
    from tmtui.model.diff import ModelDiff

CELL_LEGEND = "✓ answered · ! open threat · ? not yet considered · · not expected for this kind of element"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table; a column after the first two that is empty in every row is left out."""
    rows = list(rows)
    keep = [i for i in range(len(headers)) if i < 2 or any(map(itemgetter(i), rows))]  # each column in C
    lines = ["| " + " | ".join(headers[i] for i in keep) + " |", "|" + "|".join(" --- " for _ in keep) + "|"]
    if len(keep) < len(headers):
        rows = [[row[i] for i in keep] for row in rows]
    lines += ["| " + " | ".join([value or " " for value in row]) + " |" for row in rows]
    return [*lines, ""]


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(map(inline, ids))


def _cells(texts: list[str]) -> list[str]:
    """`[cell(text) for text in texts]`, in one search where every text is one plain line."""
    return list(texts) if all_inline_plain(texts) else list(map(cell, texts))


def _id_lists(lists: list[list[str]]) -> list[str]:
    """`[_ids(ids) for ids in lists]`, in one search where every id is plain."""
    if all_inline_plain([i for ids in lists for i in ids]):
        return list(map(", ".join, lists))
    return list(map(_ids, lists))


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[value]


def _label(value: str | None) -> str:
    if not value:
        return ""
    known = _LABELS.get(value)
    return known if known is not None else inline(value.replace("_", " "))


# Labels of the vocabularies, looked up for each record instead of made again
_LABELS = {v.value: v.value.replace("_", " ") for e in (Risk, ThreatStatus, MitigationStatus, Level) for v in e}
_STRIDE_LABELS = {s.value: s.label for s in Stride}


def mermaid_flowchart(model: Model) -> list[str]:
    """The data flows as a Mermaid flowchart, one subgraph per trust boundary."""
    lines = ["```mermaid", "flowchart LR"]
    shapes = {"store": ('[("', '")]'), "external": ('["', '"]'), "process": ('(["', '"])')}
    boundary_ids = {b.id for b in model.boundaries}

    def node(component) -> str:
        start, end = shapes.get(component.kind or "process", shapes["process"])
        return f"{mermaid_id(component.id)}{start}{mermaid_label(component.name or component.id)}{end}"

    for boundary in model.boundaries:
        members = [c for c in model.components if c.boundary == boundary.id]
        lines.append(f'  subgraph {mermaid_id(boundary.id)}["{mermaid_label(boundary.name or boundary.id)}"]')
        lines += [f"    {node(c)}" for c in members]
        lines.append("  end")
    lines += [f"  {node(c)}" for c in model.components if c.boundary not in boundary_ids]
    for flow in model.flows:
        if flow.source and flow.target:
            label = mermaid_label(" ".join(p for p in (flow.label, f"({flow.protocol})" if flow.protocol else "") if p))
            arrow = f'-->|"{label}"|' if label else "-->"
            lines.append(f"  {mermaid_id(flow.source)} {arrow} {mermaid_id(flow.target)}")
    return [*lines, "```", ""]


def _building(model: Model) -> list[str]:
    out = ["## 1. What are we building?", ""]
    if model.system.description:
        out += [block(model.system.description), ""]
    if model.system.owners:
        out += [f"**Owners:** {_ids(model.system.owners)}", ""]
    # the label of each id a boundary or flow column names (of the last record with it, as a lookup of all gives)
    shown = {c.boundary for c in model.components} | {end for f in model.flows for end in (f.source, f.target)}
    names = {r.id: r.label for r in model.all_records() if r.id in shown}

    plain_names = all_inline_plain([*names, *names.values()])  # most: every such id and name as it is

    def named(record_id: str | None) -> str:
        if record_id not in names:
            return inline(record_id or "")
        name = names[record_id]
        return f"{name} ({record_id})" if plain_names else f"{inline(name)} ({inline(record_id)})"

    components, flows = model.components, model.flows

    sections: list[tuple[str, list[str]]] = [
        (
            "Assets",
            _table(
                ["Id", "Asset", "Sensitivity", "Description"],
                ([inline(a.id), cell(a.name), _label(a.sensitivity), cell(a.description)] for a in model.assets),
            ),
        ),
        (
            "Trust boundaries",
            _table(
                ["Id", "Boundary", "Description"],
                ([inline(b.id), cell(b.name), cell(b.description)] for b in model.boundaries),
            ),
        ),
        (
            "Components",
            _table(
                ["Id", "Component", "Kind", "Boundary", "Assets"],
                zip(
                    inline_all([c.id for c in components]),
                    _cells([c.name for c in components]),
                    [_label(c.kind) for c in components],
                    [named(c.boundary) if c.boundary else "" for c in components],
                    _id_lists([c.assets for c in components]),
                    strict=True,
                ),
            ),
        ),
        (
            "Data flows",
            _table(
                ["Id", "From", "To", "Flow", "Protocol", "Data", "Encrypted", "Authenticated"],
                zip(
                    inline_all([f.id for f in flows]),
                    [named(f.source) for f in flows],
                    [named(f.target) for f in flows],
                    _cells([f.label for f in flows]),
                    _cells([f.protocol for f in flows]),
                    _id_lists([f.data for f in flows]),
                    [_yes_no(f.encrypted) for f in flows],
                    [_yes_no(f.authenticated) for f in flows],
                    strict=True,
                ),
            ),
        ),
    ]
    for title, table in sections:
        if len(table) > 3:
            out += [f"### {title}", "", *table]
    if model.flows:
        out += ["### Data flow diagram", "", *mermaid_flowchart(model)]
    if model.stories:
        out += ["### User stories", ""] + [f"- **{inline(s.id)}** {inline(s.text)}" for s in model.stories] + [""]
    if model.assumptions:
        out += ["### Assumptions", ""] + [f"- **{inline(a.id)}** {inline(a.text)}" for a in model.assumptions] + [""]
    if len(out) == 2:
        out += ["_Nothing mapped yet._", ""]
    return out


def _going_wrong(model: Model) -> list[str]:
    out = ["## 2. What could go wrong?", ""]
    if not model.threats:
        return [*out, "_No threats recorded yet._", ""]
    threats = threats_by_risk(model.threats)
    # each column's texts escaped together: one search finds that most of them need nothing
    ids = inline_all([t.id for t in threats])
    titles = inline_all([t.title for t in threats])
    targets = _id_lists([t.targets for t in threats])
    mitigations = _id_lists([[m.id for m in model.mitigations_for(t.id)] for t in threats])
    sentences = list(map(threat_sentence, threats))
    shown_sentences = iter(block_all([s for s in sentences if s]))
    shown_notes = iter(block_all([t.notes for t in threats if t.notes]))
    strides: dict[tuple[str, ...], str] = {}  # most threats name one of a few sets of categories
    rows, details = [], []
    columns = zip(threats, ids, titles, sentences, targets, mitigations, strict=True)
    for threat, shown_id, shown_title, sentence, shown_targets, shown_mitigations in columns:
        title, stride = threat.title, tuple(threat.stride)
        shown_stride = strides.get(stride)
        if shown_stride is None:
            shown_stride = strides[stride] = ", ".join(map(_stride_label, stride))
        rows.append(
            [
                shown_id,
                cell(title) if "\n" in title else shown_title,  # one line: cell() is inline()
                shown_stride,
                shown_targets,
                _label(risk_of(threat)),
                _label(threat.effective_status),
                shown_mitigations,
            ]
        )
        if sentence or threat.notes:
            details += [f"#### {shown_id}: {shown_title}", ""]
            if sentence:
                details += [next(shown_sentences), ""]
            if threat.notes:
                details += [next(shown_notes), ""]
    out += _table(["Id", "Threat", "STRIDE", "Targets", "Risk", "Status", "Mitigations"], rows)
    if details:
        out += ["### Threat details", "", *details]
    not_applicable = ThreatStatus.NOT_APPLICABLE
    ruled_out = [t for t in model.threats if t.status == not_applicable]
    if ruled_out:
        out += ["### Considered and ruled out", ""]
        out += _table(
            ["Id", "Threat", "Targets", "Why it does not apply"],
            ([inline(t.id), cell(t.title), _ids(t.targets), cell(t.notes) or "_no reason given_"] for t in ruled_out),
        )
    return out


def _stride_label(value: str) -> str:
    known = _STRIDE_LABELS.get(value)
    return known if known is not None else inline(value)


def _doing(model: Model) -> list[str]:
    out = ["## 3. What are we going to do about it?", ""]
    if not model.mitigations:
        return [*out, "_No mitigations recorded yet._", ""]
    mitigations = model.mitigations
    out += _table(
        ["Id", "Mitigation", "Status", "Owner", "Ticket", "Threats"],
        zip(
            inline_all([m.id for m in mitigations]),
            _cells([m.title for m in mitigations]),
            [_label(m.effective_status) for m in mitigations],
            _cells([m.owner for m in mitigations]),
            _cells([m.ticket for m in mitigations]),
            _id_lists([m.threats for m in mitigations]),
            strict=True,
        ),
    )
    described = [m for m in model.mitigations if m.description]
    for m in described:
        out += [f"#### {inline(m.id)}: {inline(m.title)}", "", block(m.description), ""]
    return out


def _how_well(model: Model) -> list[str]:
    metrics = compute_metrics(model)
    out = ["## 4. How well did we do?", ""]
    open_by_risk = ", ".join(f"{count} {risk.value}" for risk, count in metrics.open_by_risk.items() if count)
    out += [
        f"- **Threats:** {metrics.threats}",
        f"- **Complete threat statements:** {metrics.threats_with_complete_grammar} of {metrics.threats} threats "
        "have a source, an action and an impact",
        f"- **Open:** {metrics.open}" + (f" ({open_by_risk})" if open_by_risk else ""),
        f"- **Open with high or critical risk:** {metrics.open_high_risk}",
        f"- **Mitigated:** {metrics.mitigated_percent}%",
        f"- **Open threats without a mitigation:** {_ids(metrics.threats_without_mitigation) or 'none'}",
        f"- **Components no threat targets:** {_ids(metrics.components_without_threats) or 'none'}",
        "",
    ]
    out += _coverage_section(compute_coverage(model))
    out += _trend_section(model, metrics)
    if model.reviews:
        out += ["### Review log", ""]
        out += _table(
            ["Id", "Date", "Participants", "Threats", "Open", "Open high risk", "Mitigated", "Notes"],
            (
                [
                    inline(r.id),
                    cell(r.date.isoformat()) if r.date else "",
                    _ids(r.participants),
                    cell(str(r.metrics.get("threats", ""))),
                    cell(str(r.metrics.get("open", ""))),
                    cell(str(r.metrics.get("open_high_risk", ""))),
                    cell(f"{r.metrics['mitigated_percent']}%") if "mitigated_percent" in r.metrics else "",
                    cell(r.notes),
                ]
                for r in model.reviews
            ),
        )
    return out


def _coverage_section(coverage: Coverage) -> list[str]:
    out = ["### Coverage", ""]
    if not coverage.elements:
        return [*out, "_No components or data flows mapped yet._", ""]
    out += [
        f"{coverage.percent}% of {coverage.expected} expected element × STRIDE checks considered: "
        f"{coverage.answered} answered, {coverage.open} with an open threat, {coverage.not_considered} not yet "
        "considered (STRIDE per element: a threat, a ruled-out one included, counts as considered).",
        "",
    ]
    elements = coverage.elements
    ids = inline_all([e.record_id for e in elements])
    labels = _cells([e.label for e in elements])
    kinds = inline_all([e.element for e in elements])
    out += _table(
        ["Element", "Kind", *(s.letter for s in Stride)],
        (
            [
                f"{shown_id or '(no id)'} {label}".strip(),
                kind,
                *[_MARKS[c.state] for c in _IN_GRID_ORDER(e.cells)],
            ]
            for e, shown_id, label, kind in zip(elements, ids, labels, kinds, strict=True)
        ),
    )
    out += [
        f"_{CELL_LEGEND}_",
        "",
        f"- **Elements no threat targets:** {_ids(coverage.elements_without_threats) or 'none'}",
        f"- **Assets no threat names:** {_ids(coverage.assets_without_threats) or 'none'}",
        "",
    ]
    return out


_MARKS = {state: state.mark for state in CellState}
_IN_GRID_ORDER = itemgetter(*ALL)  # an element's cells, in the grid's order


def _with_change(value: int | None, before: int | None, suffix: str = "") -> str:
    if value is None:
        return ""
    shown = f"{value}{suffix}"
    return f"{shown} ({value - before:+d})" if before is not None and value != before else shown


def _trend_section(model: Model, metrics: Metrics) -> list[str]:
    """With two reviews or more, each review's figures (oldest first) then now, each with its change from the row
    before; with one or more, the figures since the last review."""
    reviews = reviews_in_order(model)
    if not reviews:
        return []
    out: list[str] = []
    if len(reviews) > 1:
        rows: list[list[str]] = []
        previous: dict[str, int | None] = {}
        now: dict[str, int | None] = dict(metrics.snapshot())
        points = [
            (inline(r.id), r.label, {k: figure(r.metrics.get(k)) for k, _, _ in SNAPSHOT_FIGURES}) for r in reviews
        ]
        for name, date, figures in [*points, ("**Now**", "", now)]:
            rows.append(
                [
                    name,
                    cell(date),
                    *(
                        _with_change(figures[key], previous.get(key), "%" if key.endswith("percent") else "")
                        for key, _, _ in SNAPSHOT_FIGURES
                    ),
                ]
            )
            previous = {key: previous.get(key) if value is None else value for key, value in figures.items()}
        out += ["### Trend across reviews", ""]
        out += _table(["Review", "Date", *(label.capitalize() for _, label, _ in SNAPSHOT_FIGURES)], rows)
    last = reviews[-1]
    out += [f"### Since the last review ({inline(last.id)}, {inline(last.label)})", ""]
    out += [f"- **{change.label.capitalize()}:** {_figure_change(change)}" for change in since_review(last, metrics)]
    return [*out, ""]


def _figure_change(change: FigureChange) -> str:
    if change.before is None:
        return f"{change.after} (not kept by that review)"
    if not change.delta:
        return f"{change.after} (unchanged)"
    verdict = f", {change.verdict}" if change.verdict else ""
    return f"{change.before} → {change.after} ({change.delta:+d}{verdict})"


def _value(value: object) -> str:
    """A field's value in a diff table: lists joined, long text cut, all of it escaped for a cell."""
    if value is None:
        return "_(none)_"
    if isinstance(value, list):
        return cell(", ".join(map(str, value)))
    text = " ".join(str(value).split())
    return cell(text[:80] + "…" if len(text) > 80 else text)


def diff_markdown(result: ModelDiff, old_name: str, new_name: str) -> str:
    """A diff ready to paste into a pull request (or post from CI); model text is escaped as in the report."""
    lines = ["## Threat model changes", "", f"{inline(old_name)} → {inline(new_name)}", ""]
    if result.empty and not result.risk_moved:
        lines += ["_No changes to the threat model._", ""]
    lines += _table(
        ["Figure", "Before", "After"],
        (
            [
                change.label.capitalize(),
                "" if change.before is None else str(change.before),
                f"**{change.after}**" if change.delta else str(change.after),
            ]
            for change in result.figures
        ),
    )
    for title, changes in (("Added", result.added), ("Removed", result.removed)):
        if changes:
            lines += [f"### {title} ({len(changes)})", ""]
            lines += _table(
                ["Id", "Kind", "Title"], ([inline(c.shown_id), inline(c.kind), cell(c.label)] for c in changes)
            )
    if result.changed:
        lines += [f"### Changed ({len(result.changed)})", ""]
        lines += _table(
            ["Id", "Title", "Field", "Before", "After"],
            (
                [inline(c.shown_id), cell(c.label), inline(f.key), _value(f.old), _value(f.new)]
                for c in result.changed
                for f in c.changes
            ),
        )
    if result.risk_moved:
        lines += [f"### Risk moved ({len(result.risk_moved)})", ""]
        lines += _table(
            ["Id", "Threat", "Before", "After"],
            (
                [
                    inline(m.record_id),
                    cell(m.label),
                    m.old.value,
                    f"**{m.new.value}** {'↑' if m.new.rank > m.old.rank else '↓'}",
                ]
                for m in result.risk_moved
            ),
        )
    return _text(lines)


def _text(lines: list[str]) -> str:
    """The lines as one text ending in one newline: `"\n".join(lines).rstrip("\n") + "\n"`, joined once (stripping
    the joined text, then adding the newline, copied a large report twice more). `lines` is used up: its end
    is changed in place."""
    while lines and not lines[-1].strip("\n"):
        lines.pop()
    if not lines:
        return "\n"
    lines[-1] = lines[-1].rstrip("\n")
    lines.append("")
    return "\n".join(lines)


def to_markdown(model: Model) -> str:
    title = model.system.name or "Untitled system"
    lines = [f"# Threat model: {inline(title)}", ""]
    for section in (_building, _going_wrong, _doing, _how_well):
        lines += section(model)
    return _text(lines)
