"""The packaged threat library and the loader: every entry parses, is complete and can fire; user files are checked."""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tmtui import paths
from tmtui.document.library import MAX_LIBRARY_BYTES, load_library
from tmtui.document.source import UnreadableError
from tmtui.model import Model, Stride, model_from_data
from tmtui.rules import Library, LibraryEntry, suggest
from tmtui.rules.library import CONDITION_KINDS, GRAMMAR
from tmtui.rules.vocabulary import CONDITIONS, ELEMENT_KINDS, TAGS

PACKAGED: dict[str, Any] = tomllib.loads(
    resources.files("tmtui.rules").joinpath("library.toml").read_text(encoding="utf-8")
)
LIBRARY = Library.from_data(PACKAGED)


def entry_ids() -> list[str]:
    return [entry.id for entry in LIBRARY.entries]


# ---- the packaged library --------------------------------------------------------------------------------------


def test_the_packaged_library_loads_through_the_loader_and_parses_whole():
    assert [entry.id for entry in load_library().entries] == entry_ids()
    assert len(LIBRARY) == len(PACKAGED["entries"])


def test_the_library_has_at_least_80_entries_across_all_six_stride_categories():
    assert len(LIBRARY) >= 80
    assert {category for entry in LIBRARY.entries for category in entry.stride} == {s.value for s in Stride}


@pytest.mark.parametrize("entry_id", entry_ids())
def test_every_entry_is_complete_and_uses_only_vocabulary_words(entry_id: str):
    entry = LIBRARY.get(entry_id)
    assert entry is not None
    assert entry.title and entry.stride and entry.applies_to and entry.mitigations
    assert all(getattr(entry, part) for part in GRAMMAR)
    assert all(m.title and m.description for m in entry.mitigations)
    assert entry.applies_to <= set(ELEMENT_KINDS)
    assert entry.tags <= set(TAGS) and entry.conditions <= set(CONDITIONS)
    assert entry.tags or entry.conditions


def _element_for(entry: LibraryEntry) -> tuple[Model, str]:
    """The smallest model in which the entry's conditions and first tag hold on one element of a kind it names."""
    conditions = entry.conditions
    kind = next(k for k in sorted(entry.applies_to) if all(k in CONDITION_KINDS[c] for c in conditions))
    tags = sorted(entry.tags)[:1]
    assets = [{"id": "A1", "name": "Secret data", "sensitivity": "high"}]
    boundaries = [{"id": "B1", "name": "Internet"}, {"id": "B2", "name": "Inside"}]
    if kind == "flow":
        source_kind = (
            "external" if "from_external" in conditions else "store" if "from_store" in conditions else "process"
        )
        target_kind = "store" if "to_store" in conditions else "process"
        crossing = "crosses_boundary" in conditions
        components = [
            {"id": "C1", "name": "Source", "kind": source_kind, "boundary": "B1" if crossing else "B2"},
            {"id": "C2", "name": "Target", "kind": target_kind, "boundary": "B2"},
        ]
        flow: dict[str, Any] = {
            "id": "F1",
            "from": "C1",
            "to": "C2",
            "label": "the flow",
            "encrypted": "unencrypted" not in conditions,
            "authenticated": "unauthenticated" not in conditions,
            "tags": tags,
        }
        if "sensitive" in conditions:
            flow["data"] = ["A1"]
        data = {"assets": assets, "boundaries": boundaries, "components": components, "flows": [flow]}
        return model_from_data(data)[0], "F1"
    element: dict[str, Any] = {"id": "C1", "name": "The element", "kind": kind, "tags": tags}
    if "no_boundary" not in conditions:
        element["boundary"] = "B2"
    if "sensitive" in conditions:
        element["assets"] = ["A1"]
    components = [element]
    flows = []
    if "from_external" in conditions or "internet_facing" in conditions:
        components.append({"id": "C9", "name": "Outsider", "kind": "external", "boundary": "B1"})
        flows.append({"id": "F9", "from": "C9", "to": "C1", "label": "in", "encrypted": True, "authenticated": True})
    data = {"assets": assets, "boundaries": boundaries, "components": components, "flows": flows}
    return model_from_data(data)[0], "C1"


@pytest.mark.parametrize("entry_id", entry_ids())
def test_every_entry_fires_on_some_element_that_has_its_tags_and_conditions(entry_id: str):
    entry = LIBRARY.get(entry_id)
    assert entry is not None
    model, element = _element_for(entry)
    offered = {c.rule: c for c in suggest(model, LIBRARY, target=element)}
    assert entry_id in offered, f"{entry_id} never fires (kinds {sorted(entry.applies_to)})"
    candidate = offered[entry_id]
    assert "{" not in candidate.title + candidate.source + candidate.prerequisites + candidate.action + candidate.impact


def test_the_model_built_for_an_entry_makes_only_entries_of_its_tag_or_without_tags_fire():
    # Were every entry to fire on the model built for one, the test above would prove nothing.
    sql = next(e for e in LIBRARY.entries if e.tags == {"sql"} and not e.conditions)
    model, element = _element_for(sql)
    fired = [LIBRARY.get(c.rule) for c in suggest(model, LIBRARY, target=element) if c.rank == 1]
    assert sql in fired
    assert all(entry is not None and ("sql" in entry.tags or not entry.tags) for entry in fired)


# ---- the user's library ------------------------------------------------------------------------------------------

USER_ENTRY = """
[[entries]]
id = "ours.ledger-drift"
title = "Ledger of {target} drifts from the bank's"
stride = ["tampering"]
applies_to = ["process"]
tags = ["payments"]
source = "A bug or an insider"
prerequisites = "where {target} books money without reconciling"
action = "change balances"
impact = "money lost without anyone noticing"

[[entries.mitigations]]
title = "Reconcile daily"
description = "Compare our ledger with the bank statement every day."
"""


def write_user(text: str, path: Path | None = None) -> Path:
    path = path or paths.config_dir() / "library.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_users_library_in_the_config_folder_adds_replaces_and_disables_entries():
    first, second = entry_ids()[:2]
    replaced = USER_ENTRY.replace("ours.ledger-drift", second)
    write_user(f'schema = 1\ndisable = ["{first}"]\n{USER_ENTRY}{replaced}')
    library = load_library()
    ids = [entry.id for entry in library.entries]
    assert first not in ids and "ours.ledger-drift" in ids and second in ids
    assert library.get(second).title == "Ledger of {target} drifts from the bank's"
    assert len(library) == len(LIBRARY)


def test_a_user_library_named_explicitly_is_read_instead_of_the_default(tmp_path):
    write_user("schema = 1\n" + USER_ENTRY.replace("ours.ledger-drift", "ours.default"))
    chosen = write_user("schema = 1\n" + USER_ENTRY, tmp_path / "mine.toml")
    ids = {entry.id for entry in load_library(chosen).entries}
    assert "ours.ledger-drift" in ids and "ours.default" not in ids


def test_a_wrong_entry_in_the_users_library_names_the_file_its_line_and_what_was_expected():
    path = write_user(
        "schema = 1\n"
        + USER_ENTRY
        + USER_ENTRY.replace("ours.ledger-drift", "ours.two").replace(
            'applies_to = ["process"]', 'applies_to = ["server"]'
        )
    )
    with pytest.raises(UnreadableError) as error:
        load_library()
    assert error.value.path == path
    assert error.value.message.startswith("line 18: entry 2 (ours.two): applies_to has 'server'")
    assert "process" in error.value.message


def test_a_users_library_that_is_not_toml_names_the_file_and_line():
    path = write_user("schema = 1\n[[entries]\nid = 1\n")
    with pytest.raises(UnreadableError) as error:
        load_library()
    assert error.value.path == path and error.value.message.startswith("line 2: TOML syntax:")


def test_a_hostile_users_library_is_refused_without_hanging_or_recursing(tmp_path):
    deep = write_user("x = " + "[" * 5000 + "]" * 5000 + "\n", tmp_path / "deep.toml")
    with pytest.raises(UnreadableError, match="too deeply nested"):
        load_library(deep)
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * MAX_LIBRARY_BYTES + b"\n")
    with pytest.raises(UnreadableError, match="too large"):
        load_library(big)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableError, match="named pipe"):
        load_library(fifo)
    with pytest.raises(UnreadableError, match="no such file"):
        load_library(tmp_path / "missing.toml")


def test_a_wrong_top_level_key_of_the_users_library_is_named_with_its_line():
    path = write_user('schema = 1\n\ndisable = ["web.no-such-entry"]\n')
    with pytest.raises(UnreadableError) as error:
        load_library()
    assert error.value.path == path
    assert (
        error.value.message
        == "line 3: disable names 'web.no-such-entry', which is not an entry of the built-in library"
    )
    write_user("schema = 1\nentry = 3\n")
    with pytest.raises(
        UnreadableError, match=r"^.*: line 2: unknown key 'entry' \(expected: disable, entries, schema\)$"
    ):
        load_library()


def test_a_users_library_that_cannot_be_reached_is_named_not_skipped_or_a_crash(monkeypatch, tmp_path):
    """A link in the config folder to a file that is gone, and a config folder we may not search (stat fails)."""
    default = paths.config_dir() / "library.toml"
    default.parent.mkdir(parents=True, exist_ok=True)
    default.symlink_to(tmp_path / "gone.toml")
    with pytest.raises(UnreadableError) as error:
        load_library()
    assert error.value.path == default
    default.unlink()

    def forbidden(self: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "exists", forbidden)
    with pytest.raises(UnreadableError) as error:
        load_library()
    assert error.value.path == default


def test_an_entry_with_a_control_character_in_its_text_is_refused():
    """Library text becomes threat text in the model: an escape is refused, not carried into every file."""
    hostile = USER_ENTRY.replace("change balances", "change balances\\u001b]52;c;aGk=\\u0007")
    write_user("schema = 1\n" + hostile)
    with pytest.raises(UnreadableError, match="control character"):
        load_library()
    write_user("schema = 1\n" + USER_ENTRY.replace("Reconcile daily", "Reconcile\\u009b daily"))
    with pytest.raises(UnreadableError, match="mitigation 1 title holds a control character"):
        load_library()
