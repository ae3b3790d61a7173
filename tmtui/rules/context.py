"""Context rules: small pure functions that read the diagram and suggest sharper threats than STRIDE alone.

Each rule takes the model's facts and returns its candidates, ranked first, with a reason that names the records
it rests on ("F1 (Checkout → Payments API) crosses B1 → B2 and is not marked encrypted.").
"""

from __future__ import annotations

from collections.abc import Callable

from tmtui.model import Asset, Flow
from tmtui.rules.candidates import RANK_CONTEXT, Candidate, SuggestedMitigation, candidate_key, capitalised
from tmtui.rules.facts import Facts, component_kind, encrypted

_TLS = SuggestedMitigation(
    "Encrypt the flow end to end",
    "Use TLS (or the protocol's own encryption) with certificate checks, so the data cannot be read or changed "
    "on the way.",
)
_AUTHENTICATE = SuggestedMitigation(
    "Authenticate the caller before acting",
    "Require a credential on every request (a token, a signed request or mutual TLS) and reject those without one.",
)
_AUTHORISE = SuggestedMitigation(
    "Authorise every request",
    "Check what this caller may do and which records it may touch on each request, not only that it signed in.",
)
_PROTECT_AT_REST = SuggestedMitigation(
    "Encrypt sensitive data at rest and narrow who can read it",
    "Encrypt the fields or the volume, keep the keys elsewhere, and give read access to the few that need it.",
)
_MINIMISE = SuggestedMitigation(
    "Send only what the receiver needs",
    "Drop, mask or tokenise sensitive fields before they leave, and agree in writing how the receiver keeps them.",
)
_VALIDATE_WRITES = SuggestedMitigation(
    "Put a process in front of the store",
    "Let outside parties write only through an interface that authenticates them and validates what they write.",
)
_PLACE_IN_BOUNDARY = SuggestedMitigation(
    "Decide where it runs and who can reach it",
    "Put the component in a trust boundary in the model, and restrict its network access to match.",
)


def _assets(assets: list[Asset]) -> str:
    return ", ".join(f"{asset.id} ({asset.name})" for asset in assets)


def _asset_names(assets: list[Asset]) -> str:
    names = [asset.name.strip() or asset.id for asset in assets]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _candidate(
    slug: str,
    targets: tuple[str, ...],
    title: str,
    stride: tuple[str, ...],
    grammar: tuple[str, str, str, str],
    goals: tuple[str, ...],
    mitigations: tuple[SuggestedMitigation, ...],
    references: tuple[str, ...],
    reason: str,
) -> Candidate:
    rule = f"context.{slug}"
    source, prerequisites, action, impact = grammar
    return Candidate(
        key=candidate_key(rule, targets),
        rule=rule,
        title=capitalised(title),
        stride=stride,
        targets=targets,
        source=source,
        prerequisites=prerequisites,
        action=action,
        impact=impact,
        goals=goals,
        mitigations=mitigations,
        references=references,
        reason=reason,
        rank=RANK_CONTEXT,
    )


def unencrypted_crossing(facts: Facts) -> list[Candidate]:
    """A flow that crosses a trust boundary without encryption (`encrypted = true`, or a protocol that encrypts)
    can be read or changed on the way."""
    out = []
    for flow_id, flow in facts.flows.items():
        pair = facts.crosses(flow)
        if pair is None or encrypted(flow):
            continue
        label = facts.label(flow_id)
        carried = facts.high_assets(flow_id)
        carrying = f", carrying {_assets(carried)}" if carried else ""
        out.append(
            _candidate(
                "unencrypted-crossing",
                (flow_id,),
                f"{label} read or changed where it crosses a trust boundary",
                ("tampering", "information_disclosure"),
                (
                    "An attacker on the network between the two boundaries",
                    f"who can see the traffic of {label}",
                    "read or alter it in transit",
                    f"disclosure of {_asset_names(carried)}" if carried else "the receiver acting on altered data",
                ),
                ("confidentiality", "integrity"),
                (_TLS,),
                ("CWE-319",),
                f"{facts.describe(flow_id)} crosses {facts.describe_boundary(pair[0])} → "
                f"{facts.describe_boundary(pair[1])} and is not marked encrypted{carrying}.",
            )
        )
    return out


def unauthenticated_entry(facts: Facts) -> list[Candidate]:
    """A flow from outside a boundary into a process inside it, not marked `authenticated = true`.

    A process that takes no authenticated flow from the internet at all is left to `internet_unauthenticated`,
    which names every such flow at once.
    """
    exposed = _internet_unauthenticated_processes(facts)
    out = []
    for flow_id, flow in facts.flows.items():
        target = facts.end(flow, "to")
        if target is None or component_kind(target) != "process" or flow.authenticated is True:
            continue
        inside = facts.boundary_of(target)
        outside = facts.boundary_of(facts.end(flow, "from"))
        if inside is None or outside == inside or facts.end(flow, "from") is None or target.id in exposed:
            continue
        name = facts.label(target.id)
        out.append(
            _candidate(
                "unauthenticated-entry",
                (flow_id, target.id),
                f"Unauthenticated requests reach {name} over {facts.label(flow_id)}",
                ("spoofing",),
                (
                    f"Anyone who can reach {facts.describe_boundary(inside)}",
                    f"from {facts.describe_boundary(outside)}",
                    f"send requests to {name} without proving who they are",
                    f"{name} acting for a caller it cannot name",
                ),
                ("integrity", "accountability"),
                (_AUTHENTICATE,),
                ("CWE-306",),
                f"{facts.describe(flow_id)} enters {facts.describe_boundary(inside)} from "
                f"{facts.describe_boundary(outside)} into the process {facts.describe(target.id)} and is not "
                "marked authenticated.",
            )
        )
    return out


def sensitive_store(facts: Facts) -> list[Candidate]:
    """A store that holds an asset of high sensitivity: the data can be read where it rests."""
    out = []
    for element in facts.components:
        if facts.kind(element) != "store":
            continue
        assets = facts.high_assets(element)
        if not assets:
            continue
        name = facts.label(element)
        out.append(
            _candidate(
                "sensitive-store",
                (element,),
                f"{_asset_names(assets)} read from {name}",
                ("information_disclosure",),
                (
                    "An attacker or insider",
                    f"who reaches {name}, a replica, an export or a backup of it",
                    f"read {_asset_names(assets)}",
                    f"disclosure of {_asset_names(assets)}",
                ),
                ("confidentiality",),
                (_PROTECT_AT_REST,),
                ("CWE-312",),
                f"{facts.describe(element)} is a store that holds {_assets(assets)}, of high sensitivity.",
            )
        )
    return out


def sensitive_flow(facts: Facts) -> list[Candidate]:
    """A flow that carries an asset of high sensitivity without `encrypted = true`.

    A flow that also crosses a boundary is left to `unencrypted_crossing`, whose reason names the assets too.
    """
    out = []
    for flow_id, flow in facts.flows.items():
        assets = facts.high_assets(flow_id)
        if not assets or encrypted(flow) or facts.crosses(flow):
            continue
        label = facts.label(flow_id)
        out.append(
            _candidate(
                "sensitive-flow",
                (flow_id,),
                f"{_asset_names(assets)} read off {label}",
                ("information_disclosure",),
                (
                    "An insider or a compromised host on the same network",
                    f"who can capture the traffic of {label}",
                    f"read {_asset_names(assets)} as it passes",
                    f"disclosure of {_asset_names(assets)}",
                ),
                ("confidentiality",),
                (_TLS,),
                ("CWE-319",),
                f"{facts.describe(flow_id)} carries {_assets(assets)}, of high sensitivity, and is not marked "
                "encrypted.",
            )
        )
    return out


def sensitive_to_external(facts: Facts) -> list[Candidate]:
    """A flow that hands an asset of high sensitivity to an external entity, outside our control from then on."""
    out = []
    for flow_id, flow in facts.flows.items():
        target = facts.end(flow, "to")
        assets = facts.high_assets(flow_id)
        if target is None or component_kind(target) != "external" or not assets:
            continue
        name = facts.label(target.id)
        out.append(
            _candidate(
                "sensitive-to-external",
                (flow_id,),
                f"{_asset_names(assets)} exposed once they reach {name}",
                ("information_disclosure",),
                (
                    f"An attacker who compromises {name}",
                    f"or a mistake at {name}",
                    f"expose the {_asset_names(assets)} we sent",
                    f"disclosure of {_asset_names(assets)} we remain answerable for",
                ),
                ("confidentiality",),
                (_MINIMISE,),
                ("CWE-359",),
                f"{facts.describe(flow_id)} carries {_assets(assets)}, of high sensitivity, to the external "
                f"entity {facts.describe(target.id)}.",
            )
        )
    return out


def external_writes_store(facts: Facts) -> list[Candidate]:
    """An external entity with a flow straight into a store: nothing of ours checks what it writes."""
    out = []
    for flow_id, flow in facts.flows.items():
        source, target = facts.end(flow, "from"), facts.end(flow, "to")
        if source is None or target is None:
            continue
        if component_kind(source) != "external" or component_kind(target) != "store":
            continue
        name = facts.label(target.id)
        out.append(
            _candidate(
                "external-writes-store",
                (flow_id, target.id),
                f"{facts.label(source.id)} writes unchecked data into {name}",
                ("tampering",),
                (
                    f"{facts.label(source.id)}, or an attacker using its access",
                    f"with a direct path into {name}",
                    "write or overwrite records no process of ours has checked",
                    f"wrong or hostile data in {name} that everything reading it trusts",
                ),
                ("integrity",),
                (_VALIDATE_WRITES,),
                ("CWE-20",),
                f"{facts.describe(flow_id)} lets the external entity {facts.describe(source.id)} write to the store "
                f"{facts.describe(target.id)}.",
            )
        )
    return out


def external_reaches_secrets(facts: Facts) -> list[Candidate]:
    """An external entity with a flow into a process that holds secrets (tag `secrets`) or a high asset."""
    out = []
    for flow_id, flow in facts.flows.items():
        source, target = facts.end(flow, "from"), facts.end(flow, "to")
        if source is None or target is None:
            continue
        if component_kind(source) != "external" or component_kind(target) != "process":
            continue
        if not facts.holds_secrets(target.id):
            continue
        assets = facts.high_assets(target.id)
        held = f"holds {_assets(assets)}, of high sensitivity" if assets else "is tagged secrets"
        what = _asset_names(assets) if assets else "the secrets it holds"
        name = facts.label(target.id)
        out.append(
            _candidate(
                "external-reaches-secrets",
                (flow_id, target.id),
                f"{facts.label(source.id)} used to pull {what} out of {name}",
                ("information_disclosure", "elevation_of_privilege"),
                (
                    f"An attacker controlling or impersonating {facts.label(source.id)}",
                    f"who can send requests to {name}",
                    f"ask for, or trick {name} into returning, {what}",
                    f"disclosure of {what}",
                ),
                ("confidentiality",),
                (_AUTHORISE,),
                ("CWE-285",),
                f"{facts.describe(flow_id)} lets the external entity {facts.describe(source.id)} reach "
                f"{facts.describe(target.id)}, which {held}.",
            )
        )
    return out


def _internet_unauthenticated_processes(facts: Facts) -> dict[str, list[Flow]]:
    """Each process reached from outside with no authenticated inbound flow, to the flows that reach it."""
    out: dict[str, list[Flow]] = {}
    for element, conditions in facts.conditions.items():
        if "internet_facing" not in conditions or facts.kind(element) != "process":
            continue
        inbound = facts.inbound.get(element, [])
        if any(flow.authenticated is True for flow in inbound):
            continue
        out[element] = [flow for flow in inbound if facts.crosses(flow) and facts.from_outside(flow)]
    return out


def internet_unauthenticated(facts: Facts) -> list[Candidate]:
    """A process reachable from the internet (or an external entity across a boundary) with no authenticated
    inbound flow: anyone who finds it can use it."""
    out = []
    for element, flows in _internet_unauthenticated_processes(facts).items():
        name = facts.label(element)
        out.append(
            _candidate(
                "internet-unauthenticated",
                (element,),
                f"Anyone on the internet can use {name}",
                ("spoofing", "elevation_of_privilege"),
                (
                    "Anyone on the internet",
                    f"who finds the address of {name}",
                    "call it without any credential",
                    f"every action {name} offers, open to strangers",
                ),
                ("integrity", "accountability"),
                (_AUTHENTICATE, _AUTHORISE),
                ("CWE-306",),
                f"{facts.describe(element)} is reached from outside over {', '.join(f.id for f in flows)} and "
                "none of its inbound flows is marked authenticated.",
            )
        )
    return out


def no_boundary(facts: Facts) -> list[Candidate]:
    """A process or store in no trust boundary, in a model that draws boundaries: nothing says who may reach it.

    A model with no boundaries at all is left alone (every component would be named), and so are external
    entities, which are outside our control wherever they are drawn.
    """
    if not facts.model.boundaries:
        return []
    out = []
    for element, conditions in facts.conditions.items():
        kind = facts.kind(element)
        if "no_boundary" not in conditions or kind not in ("process", "store"):
            continue
        name = facts.label(element)
        stride = ("elevation_of_privilege",) if kind == "process" else ("information_disclosure",)
        out.append(
            _candidate(
                "no-boundary",
                (element,),
                f"{name} reachable by more than it should be",
                stride,
                (
                    "Anyone on the networks it is exposed to",
                    f"when nobody decided where {name} runs and who can reach it",
                    f"reach {name} directly",
                    "access that the rest of the design assumed was impossible",
                ),
                ("confidentiality", "integrity"),
                (_PLACE_IN_BOUNDARY,),
                (),
                f"{facts.describe(element)} is in no trust boundary, while the model draws "
                f"{len(facts.model.boundaries)}, so nothing says who may reach it.",
            )
        )
    return out


CONTEXT_RULES: tuple[Callable[[Facts], list[Candidate]], ...] = (
    unencrypted_crossing,
    unauthenticated_entry,
    internet_unauthenticated,
    sensitive_store,
    sensitive_flow,
    sensitive_to_external,
    external_writes_store,
    external_reaches_secrets,
    no_boundary,
)
