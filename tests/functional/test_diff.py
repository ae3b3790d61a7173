"""`tmtui diff`: two versions of a commented model, matched by id, as text, Markdown and JSON; and `--since` in git."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tmtui.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def newer_version(text: str) -> str:
    """The commented fixture after a session: T4 added, T2 removed, T3 renamed, T1's risk lowered, and M1 moved
    above the threats, reformatted and with its comment rewritten (which is no change at all)."""
    text = text.replace('title = "Brute force"', 'title = "Credential stuffing"')
    text = text.replace('likelihood = "high"\nseverity = "high"', 'likelihood = "low"\nseverity = "high"')
    t2 = text[text.index("# Comment about T2") : text.index("# Comment about T3")]
    text = text.replace(t2, "")
    m1 = text[text.index("# Comment about M1") : text.index("[[reviews]]")]
    text = text.replace(m1, "")
    moved = (
        "# M1, rewritten comment\n[[mitigations]]\nthreats = [ 'T1' ]   # reordered keys, literal strings\n"
        "status='done'\ntitle = 'Prepared statements'\nid = 'M1'\n\n"
    )
    text = text.replace("# ---- Threats ----", moved + "# ---- Threats ----")
    return text + '\n[[threats]]\nid = "T4"\ntitle = "Session fixation"\nlikelihood = "medium"\nseverity = "medium"\n'


@pytest.fixture
def versions(commented_file: Path) -> tuple[Path, Path]:
    newer = commented_file.with_name("newer.toml")
    newer.write_text(newer_version(commented_file.read_text()), encoding="utf-8")
    return commented_file, newer


def test_diff_names_added_removed_changed_and_moved_risk_but_not_a_moved_reformatted_record(versions, capsys):
    old, new = versions
    code, out, err = run(capsys, "diff", str(old), str(new))
    assert code == 0
    assert out.splitlines() == [
        "+ T4 Session fixation  (new threat)",
        "- T2 Password dump  (removed threat)",
        "~ T1 SQL injection",
        '    likelihood: "high" → "low"',
        "~ T3 Credential stuffing",
        '    title: "Brute force" → "Credential stuffing"',
        "! T1 SQL injection: risk critical → medium (down)",
        "= open at high risk or above 1 → 0",
    ]
    assert "1 added, 1 removed, 2 changed" in err


def test_diff_as_json_has_records_fields_risk_and_figures(versions, capsys):
    code, out, _ = run(capsys, "diff", *map(str, versions), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [(a["kind"], a["id"]) for a in data["added"]] == [("threat", "T4")]
    assert [r["id"] for r in data["removed"]] == ["T2"]
    assert data["changed"][1]["fields"] == [{"key": "title", "old": "Brute force", "new": "Credential stuffing"}]
    assert data["risk_moved"] == [{"id": "T1", "label": "SQL injection", "old": "critical", "new": "medium"}]
    assert data["figures"]["threats"] == {"before": 3, "after": 3}
    assert data["figures"]["open_high_risk"] == {"before": 1, "after": 0}


def test_diff_as_markdown_is_a_pull_request_comment_with_model_text_escaped(tmp_path, capsys):
    old = tmp_path / "old.toml"
    old.write_text('[[threats]]\nid = "T1"\ntitle = "Plain"\n', encoding="utf-8")
    new = tmp_path / "new.toml"
    new.write_text(
        '[[threats]]\nid = "T1"\ntitle = "<script>alert(1)</script> | [x](javascript:alert(1))"\n'
        'likelihood = "high"\nseverity = "high"\n\n'
        '[[threats]]\nid = "T2"\ntitle = "**bold** \\u001b[2J `code`"\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "diff", str(old), str(new), "--format", "markdown")
    assert code == 0 and out.startswith("## Threat model changes\n")
    html = MarkdownIt("commonmark").enable("table").render(out)
    assert "<script" not in html and "href" not in html and "<strong>bold" not in html and "\x1b" not in out
    for table in html.split("<table>")[1:]:
        body = table.split("</table>")[0]
        columns = body.split("</tr>")[0].count("<th>")
        assert all(row.count("<td>") == columns for row in body.split("</tr>")[1:-1])  # no `|` made a cell
    assert "### Added (1)" in out and "### Changed (1)" in out and "### Risk moved (1)" in out
    assert "| Open at high risk or above | 0 | **1** |" in out


def test_the_same_model_is_no_change_in_every_format(commented_file, capsys):
    for fmt in ("text", "markdown", "json"):
        code, _, err = run(capsys, "diff", str(commented_file), str(commented_file), "--format", fmt)
        assert code == 0 and "No changes." in err
    assert (
        "_No changes to the threat model._"
        in run(capsys, "diff", *[str(commented_file)] * 2, "--format", "markdown")[1]
    )


def test_diff_needs_two_models_or_since(commented_file, capsys):
    code, _, err = run(capsys, "diff", str(commented_file))
    assert code == 2 and "OLD and NEW, or [PATH] --since GITREV" in err
    code, _, err = run(capsys, "diff", str(commented_file), str(commented_file), "--since", "HEAD")
    assert code == 2 and "one model" in err


# ---- --since -------------------------------------------------------------------------------------------------


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repository(tmp_path: Path, commented_text: str) -> Path:
    """A repository whose `model/threatmodel.toml` is committed as the fixture, then edited in the working tree."""
    root = tmp_path / "repo"
    (root / "model").mkdir(parents=True)
    (root / "docs").mkdir()
    git(root, "init", "-q")
    model = root / "model" / "threatmodel.toml"
    model.write_text(commented_text, encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    git(root, "tag", "v1")
    model.write_text(newer_version(commented_text), encoding="utf-8")
    return root


@needs_git
@pytest.mark.parametrize(
    ("folder", "path"),
    [("model", "threatmodel.toml"), (".", "model/threatmodel.toml"), ("docs", "../model/threatmodel.toml")],
    ids=["beside-the-model", "repository-root", "another-subfolder"],
)
def test_since_reads_the_old_version_from_git_from_anywhere_inside_the_repository(
    repository, folder, path, capsys, monkeypatch
):
    monkeypatch.chdir(repository / folder)
    code, out, err = run(capsys, "diff", path, "--since", "v1")
    assert code == 0
    assert "+ T4 Session fixation  (new threat)" in out and "- T2 Password dump  (removed threat)" in out
    assert "M1" not in out  # moved, reformatted and re-commented: unchanged
    assert "1 added, 1 removed, 2 changed" in err


@needs_git
def test_since_defaults_to_the_model_in_the_current_folder(repository, capsys, monkeypatch):
    monkeypatch.chdir(repository / "model")
    code, out, _ = run(capsys, "diff", "--since", "HEAD", "--format", "markdown")
    assert code == 0 and "threatmodel.toml at HEAD → threatmodel.toml" in out


@needs_git
def test_since_a_revision_without_the_model_compares_with_an_empty_model(repository, capsys, monkeypatch):
    model = repository / "model" / "threatmodel.toml"
    moved = repository / "model" / "renamed.toml"
    model.rename(moved)
    monkeypatch.chdir(repository)
    code, out, err = run(capsys, "diff", str(moved), "--since", "v1")
    assert code == 0
    assert "not in v1; compared with an empty model" in err
    assert "+ T1 SQL injection  (new threat)" in out and "4 added" not in err


@needs_git
def test_since_says_what_is_wrong_in_one_line(repository, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(repository)
    code, _, err = run(capsys, "diff", "model/threatmodel.toml", "--since", "no-such-branch")
    assert code == 2 and err.count("\n") == 1 and "no such revision" in err
    code, _, err = run(capsys, "diff", "model/threatmodel.toml", "--since=--output=/tmp/x")
    assert code == 2 and "cannot start with '-'" in err
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "threatmodel.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, _, err = run(capsys, "diff", str(outside / "threatmodel.toml"), "--since", "HEAD")
    assert code == 2 and "not inside a git repository" in err


@needs_git
def test_since_an_old_version_that_does_not_parse_is_named_with_its_revision_and_line(repository, capsys):
    model = repository / "model" / "threatmodel.toml"
    model.write_text("schema = 1\n[system\n", encoding="utf-8")
    git(repository, "commit", "-q", "-am", "broken")
    model.write_text("schema = 1\n", encoding="utf-8")
    code, _, err = run(capsys, "diff", str(model), "--since", "HEAD")
    assert code == 2 and "model/threatmodel.toml at HEAD:2:" in err
