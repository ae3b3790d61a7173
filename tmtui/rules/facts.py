"""The facts of a model that rules and library entries read (the CONDITIONS of vocabulary.py), computed once.

Every fact is derived from components, flows, boundaries and assets through dictionaries built in one pass, so
the cost grows with the size of the diagram and never with the number of threats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from tmtui.model import Asset, Component, ComponentKind, Flow, Level, Model

# A boundary whose id or name says "internet" stands for the public network (the demo's "B1 Internet").
_INTERNET_WORDS = ("internet", "public network")
# Protocols that encrypt by definition: a flow written `protocol = "https"` is not asked whether it is encrypted.
_ENCRYPTED_PROTOCOLS = {"https", "tls", "mtls", "ssh", "sftp", "ftps", "wss", "grpcs", "smtps", "imaps", "ldaps"}


def encrypted(flow: Flow) -> bool:
    """Marked `encrypted = true`, or unmarked and over a protocol that encrypts (`encrypted = false` wins)."""
    if flow.encrypted is not None:
        return flow.encrypted
    words = "".join(c if c.isalnum() else " " for c in flow.protocol.casefold()).split()
    return any(word in _ENCRYPTED_PROTOCOLS for word in words)


def component_kind(component: Component) -> str:
    """The element kind of a component: a component of no kind (or a kind this app does not know) is a process."""
    if component.kind in (ComponentKind.STORE, ComponentKind.EXTERNAL):
        return str(component.kind)
    return "process"


def _normalised_tags(values: list[str]) -> frozenset[str]:
    return frozenset(tag.strip().lower() for tag in values if isinstance(tag, str) and tag.strip())


@dataclass
class Facts:
    """The diagram of one model as the rules read it: elements, their kinds, tags, links and conditions."""

    model: Model
    components: dict[str, Component] = field(default_factory=dict)
    flows: dict[str, Flow] = field(default_factory=dict)
    inbound: dict[str, list[Flow]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Only the first record of an id counts, as `model.find` resolves it; a record with no id cannot be a target.
        for component in self.model.components:
            if component.id and component.id not in self.components:
                self.components[component.id] = component
        for flow in self.model.flows:
            if flow.id and flow.id not in self.flows and flow.id not in self.components:
                self.flows[flow.id] = flow
                if flow.target:
                    self.inbound.setdefault(flow.target, []).append(flow)

    @property
    def elements(self) -> list[str]:
        """Component ids in file order, then flow ids: the order suggestions are grouped in."""
        return [*self.components, *self.flows]

    def kind(self, element: str) -> str:
        component = self.components.get(element)
        return component_kind(component) if component else "flow"

    def tags(self, element: str) -> frozenset[str]:
        return self._tags.get(element, frozenset())

    def label(self, element: str) -> str:
        """The name of a component or the label of a flow, or its id when it has none."""
        return self._labels.get(element) or element

    @cached_property
    def _tags(self) -> dict[str, frozenset[str]]:
        tags = {element: _normalised_tags(component.tags) for element, component in self.components.items()}
        return tags | {element: _normalised_tags(flow.tags) for element, flow in self.flows.items()}

    @cached_property
    def _labels(self) -> dict[str, str]:
        labels = {element: component.label.strip() for element, component in self.components.items()}
        return labels | {element: flow.label.strip() for element, flow in self.flows.items()}

    def describe(self, element: str) -> str:
        """How a reason names an element: "C2 (Public API)" or "F1 (Merchant backend → Public API)"."""
        flow = self.flows.get(element)
        if flow:
            return f"{element} ({self.label(flow.source or '?')} → {self.label(flow.target or '?')})"
        return f"{element} ({self.label(element)})"

    def end(self, flow: Flow, which: str) -> Component | None:
        ref = flow.source if which == "from" else flow.target
        return self.components.get(ref) if ref else None

    def boundary_of(self, component: Component | None) -> str | None:
        """The boundary id a component sits in, or None (no boundary, or one that names nothing)."""
        if component is None or not component.boundary:
            return None
        return component.boundary if self.model.kind_named(component.boundary) == "boundaries" else None

    def describe_boundary(self, boundary: str | None) -> str:
        if boundary is None:
            return "no boundary"
        record = self.model.find(boundary)
        name = record.label.strip() if record else ""
        return f"{boundary} ({name})" if name else boundary

    @cached_property
    def internet_boundaries(self) -> frozenset[str]:
        return frozenset(
            b.id for b in self.model.boundaries if any(w in f"{b.id} {b.name}".lower() for w in _INTERNET_WORDS)
        )

    @cached_property
    def _high_assets(self) -> dict[str, Asset]:
        return {a.id: a for a in self.model.assets if a.id and a.sensitivity == Level.HIGH}

    def high_assets(self, element: str) -> list[Asset]:
        """The high-sensitivity assets a component holds or a flow carries, in the order it names them."""
        record = self.components.get(element)
        names = record.assets if record else (self.flows[element].data if element in self.flows else [])
        return [self._high_assets[name] for name in dict.fromkeys(names) if name in self._high_assets]

    def crosses(self, flow: Flow) -> tuple[str | None, str | None] | None:
        """The (from, to) boundaries of a flow whose ends sit in different boundaries, or None."""
        source, target = self.end(flow, "from"), self.end(flow, "to")
        if source is None or target is None:
            return None
        pair = (self.boundary_of(source), self.boundary_of(target))
        return pair if pair[0] != pair[1] else None

    def from_outside(self, flow: Flow) -> bool:
        """Whether a flow starts at an external entity or in an internet boundary."""
        source = self.end(flow, "from")
        if source is None:
            return False
        return component_kind(source) == "external" or self.boundary_of(source) in self.internet_boundaries

    def holds_secrets(self, element: str) -> bool:
        return "secrets" in self.tags(element) or bool(self.high_assets(element))

    @cached_property
    def conditions(self) -> dict[str, frozenset[str]]:
        """Each element id to the CONDITIONS that hold on it."""
        out: dict[str, set[str]] = {element: set() for element in self.elements}
        for flow_id, flow in self.flows.items():
            facts = out[flow_id]
            source, target = self.end(flow, "from"), self.end(flow, "to")
            if self.crosses(flow):
                facts.add("crosses_boundary")
            if not encrypted(flow):
                facts.add("unencrypted")
            if flow.authenticated is not True:
                facts.add("unauthenticated")
            if self.high_assets(flow_id):
                facts.add("sensitive")
            if source is not None and component_kind(source) == "external":
                facts.add("from_external")
                if target is not None:
                    out[target.id].add("from_external")
            if target is not None and component_kind(target) == "store":
                facts.add("to_store")
            if source is not None and component_kind(source) == "store":
                facts.add("from_store")
            if (
                target is not None
                and component_kind(target) == "process"
                and self.crosses(flow)
                and self.from_outside(flow)
            ):
                out[target.id].add("internet_facing")
        for component_id, component in self.components.items():
            if self.high_assets(component_id):
                out[component_id].add("sensitive")
            if not component.boundary:
                out[component_id].add("no_boundary")
        return {element: frozenset(facts) for element, facts in out.items()}

    def phrase(self, condition: str, element: str) -> str:
        """The words a reason uses for one condition on one element, naming the records it rests on."""
        flow = self.flows.get(element)
        if condition == "crosses_boundary" and flow:
            pair = self.crosses(flow) or (None, None)
            return f"crosses {self.describe_boundary(pair[0])} → {self.describe_boundary(pair[1])}"
        if condition == "sensitive":
            assets = ", ".join(f"{a.id} ({a.name})" for a in self.high_assets(element))
            return f"{'carries' if flow else 'holds'} {assets}, of high sensitivity"
        if condition == "from_external":
            if flow:
                return f"starts at the external entity {self.describe(flow.source or '?')}"
            sources = [f.source for f in self.inbound.get(element, []) if "from_external" in self.conditions[f.id]]
            return "receives data from " + ", ".join(self.describe(s or "?") for s in dict.fromkeys(sources))
        if condition == "internet_facing":
            entries = [f.id for f in self.inbound.get(element, []) if self.crosses(f) and self.from_outside(f)]
            return f"is reached from outside over {', '.join(entries)}"
        if condition == "to_store" and flow:
            return f"writes to the store {self.describe(flow.target or '?')}"
        if condition == "from_store" and flow:
            return f"reads from the store {self.describe(flow.source or '?')}"
        return _PLAIN_PHRASES.get(condition, condition.replace("_", " "))


_PLAIN_PHRASES = {
    "unencrypted": "is not marked encrypted",
    "unauthenticated": "is not marked authenticated",
    "no_boundary": "is in no trust boundary",
}
