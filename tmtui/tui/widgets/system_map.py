"""A compact text map of the system: components grouped by trust boundary, with the flows leaving each."""

from __future__ import annotations

from rich.text import Text

from tmtui.model import Component, Flow, Model
from tmtui.tui.text import literal

KIND_MARK = {"process": "( )", "store": "[=]", "external": "[ ]"}


def _line(text: str, style: str = "") -> Text:
    """Model text on one line of the map: a newline in a name would break the box it sits in."""
    return literal(" ".join(text.splitlines()), style=style)


def system_map(model: Model) -> Text:
    """The map as text; names are model text, appended literally (the widget clips long lines with "…")."""
    if not model.components:
        return Text("Nothing to draw yet — add components and the data flows between them.", style="dim")
    out = Text()
    names = {c.id: c.name for c in model.components}
    boundary_of = {c.id: c.boundary for c in model.components}
    # grouped once, so the map costs the size of the model, not components × flows
    members_of: dict[str | None, list[Component]] = {}
    for component in model.components:
        members_of.setdefault(component.boundary, []).append(component)
    flows_from: dict[str | None, list[Flow]] = {}
    for flow in model.flows:
        flows_from.setdefault(flow.source, []).append(flow)
    groups: list[tuple[str, list[Component]]] = [
        (f"{b.name} ({b.id})", members_of.get(b.id, [])) for b in model.boundaries
    ]
    known = {b.id for b in model.boundaries}
    loose = [c for c in model.components if c.boundary not in known]
    if loose:
        groups.append(("Outside any trust boundary", loose))
    for title, members in groups:
        out.append("┌ ", style="bold")
        out.append_text(_line(title, style="bold"))
        out.append("\n")
        if not members:
            out.append("│  (no components)\n", style="dim")
        for component in members:
            out.append("│ ")
            out.append(KIND_MARK.get(component.kind or "", "( )"), style="cyan")
            out.append_text(_line(f" {component.id} ", style="bold"))
            out.append_text(_line(component.name))
            out.append("\n")
            for flow in flows_from.get(component.id, []):
                crosses = boundary_of.get(flow.target or "") != component.boundary
                out.append("│      → ", style="dim")
                out.append_text(_line(f"{flow.id} {flow.label}"))
                if flow.protocol:
                    out.append_text(_line(f" ({flow.protocol})", style="dim"))
                out.append_text(_line(f" → {flow.target or '?'} {names.get(flow.target or '', '')}"))
                if crosses:
                    out.append("  ⇢ crosses a boundary", style="yellow")
                if flow.encrypted is False:
                    out.append("  unencrypted", style="red")
                out.append("\n")
        out.append("└\n", style="bold")
    orphans = [f for f in model.flows if f.source not in names]
    if orphans:
        out.append_text(_line("Flows from nowhere: " + ", ".join(f.id for f in orphans), style="red"))
        out.append("\n")
    out.append("\nLegend: ( ) process  [=] data store  [ ] external entity", style="dim")
    return out
