"""The Markdown report: the four questions as sections, the way a team keeps it in its repo or wiki."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tmtui.exchange.escape import block, cell, inline, mermaid_id, mermaid_label
from tmtui.model import Model, Stride, compute_metrics, risk_of, threat_sentence, threats_by_risk


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table; a column after the first two that is empty in every row is left out."""
    rows = [list(row) for row in rows]
    keep = [i for i in range(len(headers)) if i < 2 or any(row[i] for row in rows)]
    lines = ["| " + " | ".join(headers[i] for i in keep) + " |", "|" + "|".join(" --- " for _ in keep) + "|"]
    lines += ["| " + " | ".join(row[i] or " " for i in keep) + " |" for row in rows]
    return [*lines, ""]


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(inline(i) for i in ids)


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[value]


def _label(value: str | None) -> str:
    return inline(value.replace("_", " ")) if value else ""


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
    names = {r.id: r.label for r in model.all_records()}

    def named(record_id: str | None) -> str:
        return f"{inline(names[record_id])} ({inline(record_id)})" if record_id in names else inline(record_id or "")

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
                (
                    [
                        inline(c.id),
                        cell(c.name),
                        _label(c.kind),
                        named(c.boundary) if c.boundary else "",
                        _ids(c.assets),
                    ]
                    for c in model.components
                ),
            ),
        ),
        (
            "Data flows",
            _table(
                ["Id", "From", "To", "Flow", "Protocol", "Data", "Encrypted", "Authenticated"],
                (
                    [
                        inline(f.id),
                        named(f.source),
                        named(f.target),
                        cell(f.label),
                        cell(f.protocol),
                        _ids(f.data),
                        _yes_no(f.encrypted),
                        _yes_no(f.authenticated),
                    ]
                    for f in model.flows
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
    ordered = threats_by_risk(model.threats)
    out += _table(
        ["Id", "Threat", "STRIDE", "Targets", "Risk", "Status", "Mitigations"],
        (
            [
                inline(t.id),
                cell(t.title),
                ", ".join(_stride_label(s) for s in t.stride),
                _ids(t.targets),
                _label(risk_of(t)),
                _label(t.effective_status),
                _ids(m.id for m in model.mitigations_for(t.id)),
            ]
            for t in ordered
        ),
    )
    details = []
    for threat in ordered:
        sentence = threat_sentence(threat)
        if sentence or threat.notes:
            details += [f"#### {inline(threat.id)}: {inline(threat.title)}", ""]
            if sentence:
                details += [block(sentence), ""]
            if threat.notes:
                details += [block(threat.notes), ""]
    if details:
        out += ["### Threat details", "", *details]
    return out


def _stride_label(value: str) -> str:
    try:
        return Stride(value).label
    except ValueError:
        return inline(value)


def _doing(model: Model) -> list[str]:
    out = ["## 3. What are we going to do about it?", ""]
    if not model.mitigations:
        return [*out, "_No mitigations recorded yet._", ""]
    out += _table(
        ["Id", "Mitigation", "Status", "Owner", "Ticket", "Threats"],
        (
            [
                inline(m.id),
                cell(m.title),
                _label(m.effective_status),
                cell(m.owner),
                cell(m.ticket),
                _ids(m.threats),
            ]
            for m in model.mitigations
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
        f"- **Open:** {metrics.open}" + (f" ({open_by_risk})" if open_by_risk else ""),
        f"- **Open with high or critical risk:** {metrics.open_high_risk}",
        f"- **Mitigated:** {metrics.mitigated_percent}%",
        f"- **Open threats without a mitigation:** {_ids(metrics.threats_without_mitigation) or 'none'}",
        f"- **Components no threat targets:** {_ids(metrics.components_without_threats) or 'none'}",
        "",
    ]
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


def to_markdown(model: Model) -> str:
    title = model.system.name or "Untitled system"
    lines = [f"# Threat model: {inline(title)}", ""]
    for section in (_building, _going_wrong, _doing, _how_well):
        lines += section(model)
    return "\n".join(lines).rstrip("\n") + "\n"
