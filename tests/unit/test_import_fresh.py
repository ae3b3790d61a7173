"""A new model from an import is written in one pass; it must hold what the document would have written."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tmtui.document.edit import Document
from tmtui.document.fresh import FreshModel
from tmtui.document.read import load_text
from tmtui.document.source import decode
from tmtui.exchange.imported import Imported, ImportedRecord, parse_json
from tmtui.exchange.merge import apply_import
from tmtui.exchange.sarif import read_sarif
from tmtui.exchange.threat_composer import read_threat_composer
from tmtui.exchange.threat_dragon import read_threat_dragon

EXCHANGE = Path(__file__).parent.parent / "fixtures" / "exchange"


@pytest.mark.parametrize(
    ("reader", "name"),
    [
        (read_threat_composer, "small.tc.json"),
        (read_threat_composer, "odd.tc.json"),
        (read_threat_dragon, "three-tier.td2.json"),
        (read_threat_dragon, "demo.td1.json"),
        (read_sarif, "scan.sarif"),
    ],
)
def test_a_fresh_import_holds_exactly_what_the_document_would_hold(reader, name):
    content = parse_json((EXCHANGE / name).read_bytes(), "test")
    document, fresh = Document.from_text("schema = 1\n"), FreshModel()
    by_document = apply_import(document, reader(content))
    by_fresh = apply_import(fresh, reader(content))
    assert tomllib.loads(fresh.text()) == tomllib.loads(document.text()) == fresh.expected()
    assert by_fresh.describe() == by_document.describe()


@pytest.mark.parametrize(
    "text",
    [
        'quote " and """ three and a trailing "',
        "back\\slash at the end\\",
        'line one\nline two\\\n"""\n',
        "\nstarts with a newline",
        "carriage\r\nreturn",
        "controls \x00 \x1b]52;c;x\x07 \x7f \x9b tab\t",
        "unicode é 😀 \u2028",
    ],
)
def test_any_text_reads_back_as_written(text):
    imported = Imported("test")
    imported.system = {"name": text, "description": text}
    imported.add(ImportedRecord("threats", "t", {"title": text, "notes": text, "tags": [text, "x"], text: text}))
    fresh = FreshModel()
    apply_import(fresh, imported)
    assert tomllib.loads(fresh.text()) == fresh.expected()
    loaded = load_text(decode(fresh.text().encode("utf-8")))
    assert loaded.model is not None and loaded.model.threats[0].title == text
