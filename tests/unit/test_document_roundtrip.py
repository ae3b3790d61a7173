"""Opening a file and saving without an edit, or rendering it, gives back the same bytes."""

from pathlib import Path

import pytest

from tmtui.document.edit import Document
from tmtui.document.source import BOM

ODD_FILES = {
    "odd spacing": b'schema=1\n[system]\n   name   =   "S"   # c\n\n\n[[threats]]\n  id="T1"\n  title =  \'t\'\n',
    "crlf": b'# c\r\nschema = 1\r\n\r\n[[threats]]\r\nid = "T1"\r\ntitle = "t"\r\n',
    "bom": BOM + b'schema = 1\n[system]\nname = "S"\n',
    "unicode": '[system]\nname = "Zahlungs-API \u2014 \u00fcberall \U0001f512"\n# \u65e5\u672c\u8a9e\n'.encode(),
    "no final newline": b'[[assets]]\nid = "A1"\nname = "x"',
    "mixed endings": b'[system]\r\nname = "S"\n',
    "empty": b"",
}


@pytest.mark.parametrize("content", ODD_FILES.values(), ids=ODD_FILES.keys())
def test_unedited_files_render_byte_for_byte(tmp_path: Path, content: bytes):
    path = tmp_path / "m.toml"
    path.write_bytes(content)
    document = Document.open(path)
    assert document.to_bytes() == content
    assert document.save() is False
    assert path.read_bytes() == content


def test_the_commented_fixture_renders_byte_for_byte(commented_file: Path):
    assert Document.open(commented_file).to_bytes() == commented_file.read_bytes()


def test_crlf_and_bom_are_restored_after_an_edit(tmp_path: Path):
    path = tmp_path / "m.toml"
    path.write_bytes(BOM + b'[system]\r\nname = "S"\r\n\r\n[[threats]]\r\nid = "T1"\r\ntitle = "t"\r\n')
    document = Document.open(path)
    document.set_field("T1", "title", "two\nlines")
    document.add_record("threats", {"title": "new"})
    assert document.save() is True
    data = path.read_bytes()
    assert data.startswith(BOM)
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b'title = """two\r\nlines"""' in data
