"""The suggestion engine: STRIDE per element, each context rule, library matching, and what the model answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tmtui.model import Model, model_from_data
from tmtui.rules import (
    Candidate,
    Library,
    LibraryError,
    accepted_threat,
    ruled_out_threat,
    suggest,
)
from tmtui.rules.context import (
    external_reaches_secrets,
    external_writes_store,
    internet_unauthenticated,
    no_boundary,
    sensitive_flow,
    sensitive_store,
    sensitive_to_external,
    unauthenticated_entry,
    unencrypted_crossing,
)
from tmtui.rules.facts import Facts

NO_LIBRARY = Library.from_data({})


def build(**tables: Any) -> Model:
    model, findings = model_from_data({"schema": 1, **tables})
    assert not findings
    return model


def comp(cid: str, name: str, kind: str | None = "process", boundary: str | None = None, **more: Any) -> dict:
    record: dict[str, Any] = {"id": cid, "name": name, **more}
    if kind:
        record["kind"] = kind
    if boundary:
        record["boundary"] = boundary
    return record


def flow(fid: str, source: str, target: str, label: str = "", **more: Any) -> dict:
    return {"id": fid, "from": source, "to": target, "label": label or f"{source} to {target}", **more}


def entry(entry_id: str = "web.sql-injection", **more: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": entry_id,
        "title": "SQL injection through {target}",
        "stride": ["tampering", "information_disclosure"],
        "applies_to": ["process"],
        "tags": ["sql"],
        "source": "An attacker who can send requests to {target}",
        "prerequisites": "where input reaches a query built by joining strings",
        "action": "inject SQL",
        "impact": "reading or changing any row",
        "cwe": [89],
        "capec": [66],
        "mitigations": [{"title": "Parameterised queries", "description": "Never join input into SQL."}],
    }
    base.update(more)
    return {k: v for k, v in base.items() if v is not None}


def rules(candidates: list[Candidate]) -> list[str]:
    return [c.key for c in candidates]


# The two-boundary shape most rules read: an external client on the internet calling an API in a VPC.
INTERNET = {"id": "B1", "name": "Internet"}
VPC = {"id": "B2", "name": "VPC"}
ASSETS = [
    {"id": "A1", "name": "Card numbers", "sensitivity": "high"},
    {"id": "A2", "name": "Logs", "sensitivity": "low"},
]


# ---- STRIDE per element --------------------------------------------------------------------------------------


def test_each_element_kind_gets_the_stride_categories_it_is_exposed_to():
    model = build(
        components=[comp("C1", "Payment provider", "external"), comp("C2", "API"), comp("C3", "DB", "store")],
        flows=[flow("F1", "C2", "C3", authenticated=True)],
    )
    by_element: dict[str, set[str]] = {}
    for candidate in suggest(model, NO_LIBRARY):
        assert candidate.rule == f"stride.{candidate.stride[0]}"
        by_element.setdefault(candidate.element, set()).add(candidate.stride[0])
    assert by_element == {
        "C1": {"spoofing", "repudiation"},
        "C2": {
            "spoofing",
            "tampering",
            "repudiation",
            "information_disclosure",
            "denial_of_service",
            "elevation_of_privilege",
        },
        "C3": {"tampering", "repudiation", "information_disclosure", "denial_of_service"},
        "F1": {"tampering", "information_disclosure", "denial_of_service"},
    }


def test_stride_titles_name_the_element_and_reasons_name_its_kind():
    model = build(components=[comp("C1", "Payment provider", "external")])
    spoofing = next(c for c in suggest(model, NO_LIBRARY) if c.rule == "stride.spoofing")
    assert spoofing.title == "Someone pretends to be Payment provider"
    assert spoofing.key == "stride.spoofing:C1" and spoofing.targets == ("C1",)
    assert "C1 (Payment provider)" in spoofing.reason and "external entit" in spoofing.reason
    assert spoofing.mitigations and spoofing.source and spoofing.action and spoofing.impact


def test_a_component_with_no_kind_is_a_process():
    model = build(components=[comp("C1", "Thing", None)])
    assert len(suggest(model, NO_LIBRARY)) == 6


# ---- context rules -----------------------------------------------------------------------------------------


def crossing_model(**flow_fields: Any) -> Model:
    return build(
        boundaries=[INTERNET, VPC],
        assets=ASSETS,
        components=[comp("C1", "Checkout", "external", "B1"), comp("C2", "Payments API", "process", "B2")],
        flows=[flow("F1", "C1", "C2", "pay", **flow_fields)],
    )


def test_a_flow_crossing_a_boundary_unencrypted_is_named_with_both_boundaries():
    (candidate,) = unencrypted_crossing(Facts(crossing_model()))
    assert candidate.key == "context.unencrypted-crossing:F1"
    assert candidate.reason == (
        "F1 (Checkout → Payments API) crosses B1 (Internet) → B2 (VPC) and is not marked encrypted."
    )
    assert set(candidate.stride) == {"tampering", "information_disclosure"}


def test_an_encrypted_or_same_boundary_flow_is_not_called_unencrypted():
    assert unencrypted_crossing(Facts(crossing_model(encrypted=True))) == []
    same = build(
        boundaries=[VPC],
        components=[comp("C1", "A", "process", "B2"), comp("C2", "B", "process", "B2")],
        flows=[flow("F1", "C1", "C2")],
    )
    assert unencrypted_crossing(Facts(same)) == []


def test_a_flow_leaving_every_boundary_counts_as_crossing():
    model = build(
        boundaries=[VPC],
        components=[comp("C1", "A", "process", "B2"), comp("C2", "B", "process")],
        flows=[flow("F1", "C1", "C2")],
    )
    (candidate,) = unencrypted_crossing(Facts(model))
    assert "B2 (VPC) → no boundary" in candidate.reason


def test_an_unauthenticated_flow_into_a_process_from_another_boundary_is_named():
    model = build(
        boundaries=[VPC, {"id": "B3", "name": "Office"}],
        components=[comp("C1", "Admin tool", "process", "B3"), comp("C2", "API", "process", "B2")],
        flows=[flow("F1", "C1", "C2", "admin calls")],
    )
    (candidate,) = unauthenticated_entry(Facts(model))
    assert candidate.targets == ("F1", "C2") and candidate.stride == ("spoofing",)
    assert "enters B2 (VPC) from B3 (Office)" in candidate.reason and "not marked authenticated" in candidate.reason


def test_an_authenticated_or_inside_flow_is_not_an_unauthenticated_entry():
    authenticated = build(
        boundaries=[VPC, {"id": "B3", "name": "Office"}],
        components=[comp("C1", "Admin tool", "process", "B3"), comp("C2", "API", "process", "B2")],
        flows=[flow("F1", "C1", "C2", authenticated=True)],
    )
    assert unauthenticated_entry(Facts(authenticated)) == []
    inside = build(
        boundaries=[VPC],
        components=[comp("C1", "A", "process", "B2"), comp("C2", "B", "process", "B2")],
        flows=[flow("F1", "C1", "C2")],
    )
    assert unauthenticated_entry(Facts(inside)) == []
    into_store = build(
        boundaries=[VPC, {"id": "B3", "name": "Office"}],
        components=[comp("C1", "A", "process", "B3"), comp("C2", "DB", "store", "B2")],
        flows=[flow("F1", "C1", "C2")],
    )
    assert unauthenticated_entry(Facts(into_store)) == []


def test_a_process_reached_from_the_internet_with_no_authenticated_flow_is_open_to_anyone():
    (candidate,) = internet_unauthenticated(Facts(crossing_model()))
    assert candidate.key == "context.internet-unauthenticated:C2"
    assert candidate.reason == (
        "C2 (Payments API) is reached from outside over F1 and none of its inbound flows is marked authenticated."
    )
    # The per-flow rule leaves that process to this one rather than say it twice.
    assert unauthenticated_entry(Facts(crossing_model())) == []


def test_a_process_with_one_authenticated_inbound_flow_is_not_open_to_anyone():
    assert internet_unauthenticated(Facts(crossing_model(authenticated=True))) == []
    inside = build(
        boundaries=[VPC],
        components=[comp("C1", "A", "process", "B2"), comp("C2", "B", "process", "B2")],
        flows=[flow("F1", "C1", "C2")],
    )
    assert internet_unauthenticated(Facts(inside)) == []


def test_a_store_holding_a_high_asset_is_named_with_the_asset():
    model = build(assets=ASSETS, components=[comp("C1", "Vault", "store", assets=["A1", "A2"])])
    (candidate,) = sensitive_store(Facts(model))
    assert candidate.title == "Card numbers read from Vault"
    assert candidate.reason == "C1 (Vault) is a store that holds A1 (Card numbers), of high sensitivity."


def test_a_store_of_low_assets_or_a_process_of_high_ones_is_not_a_sensitive_store():
    low = build(assets=ASSETS, components=[comp("C1", "Logs", "store", assets=["A2"])])
    assert sensitive_store(Facts(low)) == []
    process = build(assets=ASSETS, components=[comp("C1", "API", "process", assets=["A1"])])
    assert sensitive_store(Facts(process)) == []


def test_an_unencrypted_flow_carrying_a_high_asset_inside_a_boundary_is_named():
    model = build(
        assets=ASSETS,
        boundaries=[VPC],
        components=[comp("C1", "API", "process", "B2"), comp("C2", "DB", "store", "B2")],
        flows=[flow("F1", "C1", "C2", "store charge", data=["A1"])],
    )
    (candidate,) = sensitive_flow(Facts(model))
    assert candidate.reason == (
        "F1 (API → DB) carries A1 (Card numbers), of high sensitivity, and is not marked encrypted."
    )


def test_an_encrypted_or_low_flow_is_not_a_sensitive_flow_and_a_crossing_one_is_left_to_the_crossing_rule():
    def one(**fields: Any) -> Model:
        return build(
            assets=ASSETS,
            boundaries=[VPC],
            components=[comp("C1", "API", "process", "B2"), comp("C2", "DB", "store", "B2")],
            flows=[flow("F1", "C1", "C2", **fields)],
        )

    assert sensitive_flow(Facts(one(data=["A1"], encrypted=True))) == []
    assert sensitive_flow(Facts(one(data=["A2"]))) == []
    crossing = crossing_model(data=["A1"])
    assert sensitive_flow(Facts(crossing)) == []
    (candidate,) = unencrypted_crossing(Facts(crossing))
    assert candidate.reason.endswith("is not marked encrypted, carrying A1 (Card numbers).")


def test_a_high_asset_sent_to_an_external_entity_is_named():
    model = build(
        assets=ASSETS,
        components=[comp("C1", "Worker"), comp("C2", "Card network", "external")],
        flows=[flow("F1", "C1", "C2", "batch", data=["A1"], encrypted=True)],
    )
    (candidate,) = sensitive_to_external(Facts(model))
    assert candidate.reason == (
        "F1 (Worker → Card network) carries A1 (Card numbers), of high sensitivity, "
        "to the external entity C2 (Card network)."
    )
    low = build(
        assets=ASSETS,
        components=[comp("C1", "Worker"), comp("C2", "Card network", "external")],
        flows=[flow("F1", "C1", "C2", data=["A2"])],
    )
    assert sensitive_to_external(Facts(low)) == []


def test_an_external_entity_writing_to_a_store_is_named():
    model = build(
        components=[comp("C1", "Partner", "external"), comp("C2", "Bucket", "store"), comp("C3", "API")],
        flows=[flow("F1", "C1", "C2", "upload"), flow("F2", "C3", "C2", "write")],
    )
    (candidate,) = external_writes_store(Facts(model))
    assert candidate.targets == ("F1", "C2") and candidate.stride == ("tampering",)
    assert (
        candidate.reason
        == "F1 (Partner → Bucket) lets the external entity C1 (Partner) write to the store C2 (Bucket)."
    )


def test_an_external_entity_reaching_a_process_that_holds_secrets_is_named():
    tagged = build(
        components=[comp("C1", "Partner", "external"), comp("C2", "Key service", tags=["secrets"])],
        flows=[flow("F1", "C1", "C2", "fetch")],
    )
    (candidate,) = external_reaches_secrets(Facts(tagged))
    assert candidate.reason.endswith("reach C2 (Key service), which is tagged secrets.")
    holding = build(
        assets=ASSETS,
        components=[comp("C1", "Partner", "external"), comp("C2", "API", assets=["A1"])],
        flows=[flow("F1", "C1", "C2")],
    )
    (candidate,) = external_reaches_secrets(Facts(holding))
    assert "which holds A1 (Card numbers), of high sensitivity." in candidate.reason


def test_an_external_entity_reaching_a_process_without_secrets_is_not_named():
    model = build(
        assets=ASSETS,
        components=[comp("C1", "Partner", "external"), comp("C2", "API", assets=["A2"], tags=["web"])],
        flows=[flow("F1", "C1", "C2")],
    )
    assert external_reaches_secrets(Facts(model)) == []
    internal = build(
        components=[comp("C1", "Job"), comp("C2", "Key service", tags=["secrets"])],
        flows=[flow("F1", "C1", "C2")],
    )
    assert external_reaches_secrets(Facts(internal)) == []


def test_a_process_or_store_outside_every_boundary_is_named_when_the_model_draws_boundaries():
    model = build(
        boundaries=[VPC],
        components=[comp("C1", "API", "process", "B2"), comp("C2", "Cron"), comp("C3", "User", "external")],
    )
    (candidate,) = no_boundary(Facts(model))
    assert candidate.key == "context.no-boundary:C2"
    assert (
        candidate.reason
        == "C2 (Cron) is in no trust boundary, while the model draws 1, so nothing says who may reach it."
    )
    without_boundaries = build(components=[comp("C1", "API"), comp("C2", "Cron")])
    assert no_boundary(Facts(without_boundaries)) == []


def test_context_candidates_come_before_stride_ones_and_replace_the_stride_category_they_raise():
    candidates = [c for c in suggest(crossing_model(), NO_LIBRARY) if c.element == "F1"]
    assert candidates[0].rule == "context.unencrypted-crossing"
    assert {c.rule for c in candidates[1:]} == {"stride.denial_of_service"}


# ---- library matching -------------------------------------------------------------------------------------------


def test_a_library_entry_fires_on_an_element_of_its_kind_with_any_of_its_tags():
    library = Library.from_data({"entries": [entry(tags=["sql", "nosql"])]})
    model = build(components=[comp("C1", "Orders API", tags=["web", "SQL"]), comp("C2", "Other", tags=["web"])])
    (candidate,) = [c for c in suggest(model, library) if c.rule == "web.sql-injection"]
    assert candidate.element == "C1" and candidate.rank == 1
    assert candidate.title == "SQL injection through Orders API"
    assert candidate.source == "An attacker who can send requests to Orders API"
    assert candidate.references == ("CWE-89", "CAPEC-66")
    assert candidate.reason == "C1 (Orders API) is tagged sql."
    store = build(components=[comp("C1", "Orders DB", "store", tags=["sql"])])
    assert not [c for c in suggest(store, library) if c.rule == "web.sql-injection"]


def test_a_library_entry_needs_all_of_its_conditions():
    library = Library.from_data(
        {"entries": [entry("net.cleartext", applies_to=["flow"], tags=None, conditions=["unencrypted", "to_store"])]}
    )

    def fired(**fields: Any) -> list[str]:
        model = build(
            components=[comp("C1", "API"), comp("C2", "DB", "store"), comp("C3", "Job")],
            flows=[flow("F1", "C1", "C2", **fields), flow("F2", "C1", "C3")],
        )
        return [c.element for c in suggest(model, library) if c.rule == "net.cleartext"]

    assert fired() == ["F1"]
    assert fired(encrypted=True) == []


def test_a_library_reason_names_tags_and_facts_with_ids():
    library = Library.from_data(
        {"entries": [entry("api.open", applies_to=["flow"], tags=["api"], conditions=["unauthenticated"])]}
    )
    model = build(components=[comp("C1", "App"), comp("C2", "API")], flows=[flow("F1", "C1", "C2", tags=["api"])])
    (candidate,) = [c for c in suggest(model, library) if c.rule == "api.open"]
    assert candidate.reason == "F1 (App → API) is tagged api and is not marked authenticated."


def test_a_library_match_replaces_the_stride_category_it_raises():
    library = Library.from_data({"entries": [entry()]})
    model = build(components=[comp("C1", "Orders API", tags=["sql"])])
    rules_offered = {c.rule for c in suggest(model, library)}
    assert "stride.tampering" not in rules_offered and "stride.information_disclosure" not in rules_offered
    assert "stride.spoofing" in rules_offered


# ---- answered candidates ----------------------------------------------------------------------------------------


def test_a_candidate_taken_as_a_threat_is_not_offered_again():
    library = Library.from_data({"entries": [entry()]})
    components = [comp("C1", "Orders API", tags=["sql"])]
    offered = suggest(build(components=components), library)
    taken = next(c for c in offered if c.rule == "web.sql-injection")
    threat = {"id": "T1", **accepted_threat(taken)}
    again = suggest(build(components=components, threats=[threat]), library)
    assert taken.key not in rules(again)


def test_a_candidate_ruled_out_is_not_offered_again():
    components = [comp("C1", "Payment provider", "external")]
    offered = suggest(build(components=components), NO_LIBRARY)
    ruled_out = {"id": "T1", **ruled_out_threat(offered[0], "They sign every call.")}
    again = suggest(build(components=components, threats=[ruled_out]), NO_LIBRARY)
    assert offered[0].key not in rules(again) and len(again) == len(offered) - 1


def test_a_threat_with_the_rule_on_another_element_does_not_answer_this_one():
    library = Library.from_data({"entries": [entry()]})
    components = [comp("C1", "Orders API", tags=["sql"]), comp("C2", "Admin", tags=["sql"])]
    threat = {"id": "T1", "title": "x", "rule": "web.sql-injection", "targets": ["C2"]}
    offered = suggest(build(components=components, threats=[threat]), library)
    assert "web.sql-injection:C1" in rules(offered) and "web.sql-injection:C2" not in rules(offered)


def test_an_existing_threat_of_a_stride_category_answers_that_stride_candidate():
    components = [comp("C1", "Payment provider", "external")]
    threat = {"id": "T1", "title": "Forged callbacks", "stride": ["spoofing"], "targets": ["C1"]}
    offered = suggest(build(components=components, threats=[threat]), NO_LIBRARY)
    assert rules(offered) == ["stride.repudiation:C1"]


def test_an_existing_threat_raising_every_category_of_a_context_candidate_answers_it():
    threat = {"id": "T1", "title": "Sniffed", "stride": ["tampering", "information_disclosure"], "targets": ["F1"]}
    model = crossing_model()
    answered = build(
        boundaries=[INTERNET, VPC],
        assets=ASSETS,
        components=[comp("C1", "Checkout", "external", "B1"), comp("C2", "Payments API", "process", "B2")],
        flows=[flow("F1", "C1", "C2", "pay")],
        threats=[threat],
    )
    assert "context.unencrypted-crossing:F1" in rules(suggest(model, NO_LIBRARY))
    assert "context.unencrypted-crossing:F1" not in rules(suggest(answered, NO_LIBRARY))


# ---- order and filter ---------------------------------------------------------------------------------------------


def test_candidates_are_grouped_by_element_in_file_order_then_rank_then_title():
    model = build(
        assets=ASSETS,
        components=[comp("C2", "Zed", "store", assets=["A1"]), comp("C1", "Alpha", "external")],
        flows=[flow("F1", "C1", "C2")],
    )
    offered = suggest(model, NO_LIBRARY)
    elements = list(dict.fromkeys(c.element for c in offered))
    assert elements == ["C2", "C1", "F1"]
    for element in elements:
        group = [(c.rank, c.title.casefold()) for c in offered if c.element == element]
        assert group == sorted(group)
    assert offered[0].rule == "context.sensitive-store"


def test_target_keeps_the_candidates_that_name_that_element():
    model = build(
        assets=ASSETS,
        components=[comp("C1", "Partner", "external"), comp("C2", "API", assets=["A1"])],
        flows=[flow("F1", "C1", "C2")],
    )
    on_c2 = suggest(model, NO_LIBRARY, target="C2")
    assert on_c2 and all("C2" in c.targets for c in on_c2)
    assert "context.external-reaches-secrets:F1+C2" in rules(on_c2)
    assert suggest(model, NO_LIBRARY, target="nothing") == []


def test_records_without_ids_and_duplicate_ids_are_skipped():
    model, _ = model_from_data(
        {"components": [{"name": "No id"}, comp("C1", "First", "external"), comp("C1", "Second", "external")]}
    )
    assert {c.title for c in suggest(model, NO_LIBRARY)} == {
        "Someone pretends to be First",
        "First denies an action it took",
    }


def test_accepted_and_ruled_out_threats_carry_the_rule_and_leave_out_empty_values():
    library = Library.from_data({"entries": [entry()]})
    (candidate,) = [c for c in suggest(build(components=[comp("C1", "API", tags=["sql"])]), library) if c.rank == 1]
    accepted = accepted_threat(candidate)
    assert accepted == {
        "title": "SQL injection through API",
        "stride": ["tampering", "information_disclosure"],
        "source": "An attacker who can send requests to API",
        "prerequisites": "where input reaches a query built by joining strings",
        "action": "inject SQL",
        "impact": "reading or changing any row",
        "targets": ["C1"],
        "references": ["CWE-89", "CAPEC-66"],
        "rule": "web.sql-injection",
    }
    assert ruled_out_threat(candidate, "No SQL here.") == {
        "title": "SQL injection through API",
        "stride": ["tampering", "information_disclosure"],
        "targets": ["C1"],
        "rule": "web.sql-injection",
        "status": "not_applicable",
        "notes": "No SQL here.",
    }


# ---- the library's format -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "SQL"}, 'id should be lowercase "<area>.<slug>"'),
        ({"id": "stride.spoofing"}, "kept for tmtui's own rules"),
        ({"stride": ["spoofing", "hacking"]}, "stride has 'hacking', which is not one of: spoofing"),
        ({"stride": []}, "stride should name at least one of"),
        ({"applies_to": ["server"]}, "applies_to has 'server'"),
        ({"tags": ["mainframe"]}, "tags has 'mainframe'"),
        ({"conditions": ["exposed"]}, "conditions has 'exposed'"),
        ({"tags": None}, "needs tags or conditions"),
        ({"conditions": ["crosses_boundary"]}, "no kind in applies_to (process) can meet all of conditions"),
        ({"title": "SQL injection through {name}"}, "title has a brace that is not a placeholder"),
        ({"impact": ""}, "impact should be a non-empty string"),
        ({"action": None}, "action should be a non-empty string"),
        ({"mitigations": []}, "needs at least one [[entries.mitigations]]"),
        ({"mitigations": [{"title": "x"}]}, "mitigation 1 should have a non-empty description"),
        ({"mitigations": [{"title": "x {target}", "description": "y"}]}, "mitigation 1 title has a brace"),
        ({"cwe": ["89"]}, "cwe should be an array of positive numbers"),
        ({"goals": ["safety"]}, "goals has 'safety'"),
        ({"severity": "high"}, "unknown key 'severity'"),
    ],
)
def test_a_malformed_entry_is_refused_with_its_id_and_what_was_expected(change, expected):
    raw = entry(**{k: v for k, v in change.items() if v is not None})
    for key, value in change.items():
        if value is None:
            raw.pop(key, None)
    with pytest.raises(LibraryError) as error:
        Library.from_data({"entries": [entry("web.fine"), raw]})
    assert expected in str(error.value)
    assert str(error.value).startswith("entry 2")
    assert error.value.index == 1 and not error.value.user


def test_two_entries_with_one_id_are_refused():
    with pytest.raises(LibraryError, match=r"entry 2 \(web.sql-injection\): the id is used by an earlier entry"):
        Library.from_data({"entries": [entry(), entry()]})


def test_the_packaged_library_may_not_disable_entries():
    with pytest.raises(LibraryError, match="unknown key 'disable'"):
        Library.from_data({"entries": [entry()], "disable": ["web.sql-injection"]})


# ---- the user's library ----------------------------------------------------------------------------------------------


def test_a_user_library_adds_replaces_and_disables_entries():
    builtin = {"entries": [entry(), entry("web.xss", title="XSS in {target}", tags=["web"])]}
    user = {
        "disable": ["web.xss"],
        "entries": [
            entry(title="Our own SQL injection through {target}"),
            entry("ours.mainframe", title="Batch file swapped on {target}", tags=["ci"]),
        ],
    }
    library = Library.from_data(builtin, user)
    assert [e.id for e in library.entries] == ["web.sql-injection", "ours.mainframe"]
    assert library.get("web.sql-injection").title == "Our own SQL injection through {target}"
    assert library.get("web.xss") is None


def test_a_user_library_disabling_an_unknown_entry_or_malformed_is_refused_as_the_users():
    with pytest.raises(LibraryError, match=r"'web\.nope', which is not an entry") as error:
        Library.from_data({"entries": [entry()]}, {"disable": ["web.nope"]})
    assert error.value.user
    with pytest.raises(LibraryError, match=r"entry 1 \(ours.x\): stride") as error:
        Library.from_data({"entries": [entry()]}, {"entries": [entry("ours.x", stride=["evil"])]})
    assert error.value.user and error.value.index == 0


def test_the_whole_list_shows_the_most_specific_library_matches_of_an_element_and_its_own_view_all():
    entries = [entry(f"web.e{n}", title=f"Entry {n} on {{target}}", tags=["web"]) for n in range(5)]
    entries.append(entry("web.both", title="Both tags on {target}", tags=["web", "api"]))
    library = Library.from_data({"entries": entries})
    components = [comp("C1", "Site", tags=["web", "api"])]
    offered = [c.rule for c in suggest(build(components=components), library) if c.rank == 1]
    assert offered == ["web.both", "web.e0", "web.e1"]
    assert len([c for c in suggest(build(components=components), library, target="C1") if c.rank == 1]) == 6
    # An answered match makes room for the next one.
    threat = {"id": "T1", "title": "x", "rule": "web.e0", "targets": ["C1"], "status": "not_applicable"}
    again = [c.rule for c in suggest(build(components=components, threats=[threat]), library) if c.rank == 1]
    assert again == ["web.both", "web.e1", "web.e2"]


def test_an_element_with_two_tags_sees_matches_of_both_the_rarer_tag_first():
    """A dozen API entries must not keep the few LLM ones of a component tagged llm and api out of its three."""
    entries = [entry(f"api.e{n}", title=f"API {n} on {{target}}", tags=["api"]) for n in range(6)]
    entries += [entry(f"llm.e{n}", title=f"LLM {n} on {{target}}", tags=["llm"]) for n in range(2)]
    library = Library.from_data({"entries": entries})
    components = [comp("C1", "Support bot", tags=["api", "llm"])]
    offered = [c.rule for c in suggest(build(components=components), library) if c.rank == 1]
    assert sorted(offered) == ["api.e0", "llm.e0", "llm.e1"]


def test_a_condition_only_entry_that_repeats_a_context_rule_is_dropped_and_a_tagged_one_is_kept():
    repeat = entry(
        "net.cleartext",
        applies_to=["flow"],
        tags=None,
        conditions=["crosses_boundary", "unencrypted"],
        stride=["information_disclosure"],
    )
    tagged = entry("api.cleartext", applies_to=["flow"], tags=["api"], stride=["information_disclosure"])
    library = Library.from_data({"entries": [repeat, tagged]})
    model = build(
        boundaries=[INTERNET, VPC],
        components=[comp("C1", "Checkout", "external", "B1"), comp("C2", "Payments API", "process", "B2")],
        flows=[flow("F1", "C1", "C2", "pay", tags=["api"])],
    )
    offered = {c.rule for c in suggest(model, library)}
    assert "net.cleartext" not in offered and "api.cleartext" in offered


def test_a_flow_marked_encrypted_is_not_offered_reading_or_changing_in_transit():
    def offered(**fields: Any) -> set[str]:
        model = build(components=[comp("C1", "A"), comp("C2", "B")], flows=[flow("F1", "C1", "C2", **fields)])
        return {c.rule for c in suggest(model, NO_LIBRARY, target="F1")}

    assert offered(encrypted=True) == {"stride.denial_of_service"}
    assert offered(encrypted=False) == {"stride.tampering", "stride.information_disclosure", "stride.denial_of_service"}


def test_a_stride_category_raised_only_by_a_match_held_back_by_the_limit_is_still_asked():
    entries = [
        entry(f"web.e{n}", title=f"Entry {n} on {{target}}", tags=["web"], stride=["tampering"]) for n in range(3)
    ]
    entries.append(entry("web.late", title="Late on {target}", tags=["web"], stride=["repudiation"]))
    library = Library.from_data({"entries": entries})
    model = build(components=[comp("C1", "Site", tags=["web"])])
    offered = {c.rule for c in suggest(model, library)}
    assert "web.late" not in offered and "stride.repudiation" in offered and "stride.tampering" not in offered
    on_site = {c.rule for c in suggest(model, library, target="C1")}
    assert "web.late" in on_site and "stride.repudiation" not in on_site


# ---- any model --------------------------------------------------------------------------------------------------

_IDS = st.sampled_from(["C1", "C2", "C3", "F1", "F2", "B1", "A1", "", "T1"])
_KINDS = st.sampled_from(["process", "store", "external", "datastore", None])
_TAGS = st.lists(st.sampled_from(["sql", "web", "secrets", "SQL ", ""]), max_size=3)


@given(
    components=st.lists(
        st.fixed_dictionaries(
            {"id": _IDS, "name": st.text(max_size=5), "tags": _TAGS},
            optional={"kind": _KINDS, "boundary": _IDS, "assets": st.lists(_IDS, max_size=2)},
        ),
        max_size=5,
    ),
    flows=st.lists(
        st.fixed_dictionaries(
            {"id": _IDS, "label": st.text(max_size=5), "tags": _TAGS},
            optional={
                "from": _IDS,
                "to": _IDS,
                "data": st.lists(_IDS, max_size=2),
                "encrypted": st.booleans(),
                "authenticated": st.booleans(),
            },
        ),
        max_size=5,
    ),
    threats=st.lists(
        st.fixed_dictionaries(
            {"id": _IDS, "title": st.just("x"), "targets": st.lists(_IDS, max_size=2)},
            optional={
                "rule": st.sampled_from(["stride.spoofing", "web.sql-injection", "context.no-boundary"]),
                "stride": st.lists(st.sampled_from(["spoofing", "tampering", "information_disclosure"]), max_size=2),
            },
        ),
        max_size=4,
    ),
)
def test_any_model_gets_unique_unanswered_candidates_on_its_own_elements(components, flows, threats):
    model, _ = model_from_data(
        {
            "assets": [{"id": "A1", "name": "Secret", "sensitivity": "high"}],
            "boundaries": [{"id": "B1", "name": "Internet"}],
            "components": components,
            "flows": flows,
            "threats": threats,
        }
    )
    library = Library.from_data({"entries": [entry(applies_to=["process", "flow"])]})
    offered = suggest(model, library)
    assert len({c.key for c in offered}) == len(offered)
    elements = {c["id"] for c in components if c["id"]} | {f["id"] for f in flows if f["id"]}
    answered = {(t["rule"], target) for t in threats if "rule" in t for target in t["targets"]}
    for candidate in offered:
        assert candidate.element in elements and set(candidate.targets) <= elements
        assert (candidate.rule, candidate.element) not in answered
        assert "{target}" not in candidate.title  # a name may hold braces; the placeholder is always filled
