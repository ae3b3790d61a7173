"""SARIF 2.1.0, the report format of static analysers (Bandit, Semgrep, CodeQL, ruff…): one candidate threat per
rule that fired, not per result, so a report of hundreds of findings becomes a short list to triage.

A threat keeps its tool and rule id (`sarif_tool`, `sarif_rule`): importing a newer report updates its notes
(counts and locations) and never the status or risk a person has set; rules that stopped firing are named.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from tmtui.exchange.imported import Family, Imported, ImportedRecord, ImportRefused, items, mapping, text

SOURCE = "SARIF"
LOCATIONS_LISTED = 10
LEVEL_SEVERITY = {"error": "high", "warning": "medium", "note": "low"}

# CWE → STRIDE, for the weaknesses scanners report most. A rule without a CWE, or with one not here, gets none.
CWE_STRIDE: dict[int, list[str]] = {}
for _stride, _cwes in {
    "spoofing": [287, 290, 294, 295, 297, 306, 307, 346, 384, 521, 522, 798, 1390],
    "tampering": [20, 74, 77, 78, 79, 88, 89, 90, 91, 94, 95, 98, 345, 347, 352, 434, 494, 502, 611, 643, 915, 943],
    "repudiation": [117, 223, 778],
    "information_disclosure": [
        22,
        23,
        200,
        201,
        209,
        215,
        312,
        319,
        326,
        327,
        328,
        330,
        338,
        359,
        532,
        538,
        601,
        916,
        918,
    ],
    "denial_of_service": [400, 405, 674, 770, 776, 834, 1333],
    "elevation_of_privilege": [250, 269, 276, 284, 285, 639, 732, 862, 863],
}.items():
    for _cwe in _cwes:
        CWE_STRIDE.setdefault(_cwe, []).append(_stride)

# Bandit's rules (and ruff's S rules, which reuse their numbers) carry no CWE in SARIF; Bandit documents these.
BANDIT_CWE = {
    101: 703,
    102: 78,
    103: 732,
    104: 605,
    105: 259,
    106: 259,
    107: 259,
    108: 377,
    110: 703,
    112: 703,
    113: 400,
    201: 94,
    202: 22,
    301: 502,
    302: 502,
    303: 327,
    304: 327,
    305: 327,
    306: 377,
    307: 78,
    308: 79,
    310: 22,
    311: 330,
    312: 319,
    313: 20,
    314: 20,
    315: 20,
    316: 20,
    317: 20,
    318: 20,
    319: 20,
    320: 20,
    321: 319,
    323: 295,
    324: 327,
    501: 295,
    502: 327,
    503: 327,
    504: 295,
    505: 326,
    506: 20,
    507: 295,
    508: 327,
    509: 327,
    601: 78,
    602: 78,
    603: 78,
    604: 78,
    605: 78,
    606: 78,
    607: 78,
    608: 89,
    609: 78,
    610: 89,
    611: 89,
    612: 94,
    701: 94,
    702: 79,
    703: 79,
}
_CWE = re.compile(r"cwe[-_/ :]*0*(\d+)", re.IGNORECASE)
# The highest CWE id is four digits today; a longer number in a tag is not a CWE id and is left out.
_MAX_CWE = 999_999
_BANDIT = re.compile(r"^[BS](\d{3})$")


def cwes_of(rule: dict[str, Any], rule_id: str) -> list[int]:
    """The CWE numbers a rule names in its tags or properties (Semgrep, CodeQL), or Bandit's documented one."""
    return _cwe_numbers(rule, rule_id)[0]


def _cwe_numbers(rule: dict[str, Any], rule_id: str) -> tuple[list[int], int]:
    """The rule's CWE numbers, and how many numbers it named that cannot be CWE ids (left out)."""
    properties = mapping(rule.get("properties"))
    named: list[int] = []
    for value in [*items(properties.get("tags")), properties.get("cwe"), *items(properties.get("cwe"))]:
        if isinstance(value, str):
            named += [_cwe_number(n) for n in _CWE.findall(value)]
        elif isinstance(value, int) and not isinstance(value, bool):
            named.append(value)
    for relationship in items(rule.get("relationships")):
        target = mapping(mapping(relationship).get("target"))
        if text(mapping(target.get("toolComponent")).get("name")).upper() == "CWE":
            named += [_cwe_number(n) for n in re.findall(r"\d+", text(target.get("id")))]
    found = [n for n in named if 0 < n <= _MAX_CWE]
    bandit = _BANDIT.match(rule_id)
    if not found and bandit and int(bandit.group(1)) in BANDIT_CWE:
        found.append(BANDIT_CWE[int(bandit.group(1))])
    return list(dict.fromkeys(found)), len(named) - len([n for n in named if 0 < n <= _MAX_CWE])


def _cwe_number(digits: str) -> int:
    """The number a tag names, or 0 (dropped) when it is longer than any CWE id: no huge integers parsed."""
    digits = digits.lstrip("0")
    return int(digits) if 0 < len(digits) <= len(str(_MAX_CWE)) else 0


def _severity(rule: dict[str, Any], levels: list[str]) -> str:
    score = mapping(rule.get("properties")).get("security-severity")
    value: float | None = None
    if isinstance(score, str | int | float):
        try:
            value = float(score)
        except ValueError:
            value = None
    if value is not None:
        return "high" if value >= 7 else "medium" if value >= 4 else "low"
    level = max(levels, key=lambda lvl: ("none", "note", "warning", "error").index(lvl) if lvl in LEVEL_SEVERITY else 0)
    return LEVEL_SEVERITY.get(level, "medium")


def _location(result: dict[str, Any]) -> str:
    for location in map(mapping, items(result.get("locations"))):
        physical = mapping(location.get("physicalLocation"))
        uri = text(mapping(physical.get("artifactLocation")).get("uri")).removeprefix("file://")
        line = mapping(physical.get("region")).get("startLine")
        if uri:
            return f"{uri}:{line}" if isinstance(line, int) else uri
    return ""


def read_sarif(data: Any) -> Imported:
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise ImportRefused("not a SARIF file: expected a JSON object with a list of runs")
    version = text(data.get("version"))
    if version and not version.startswith("2."):
        raise ImportRefused(f"SARIF {version} is not supported; expected SARIF 2.1.0")
    imported = Imported(SOURCE)
    # A tool may report in several runs (one per language or folder): its rules and results are pooled, so
    # each rule is one threat and the tool one family.
    rules_of: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    results_of: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for run in map(mapping, data["runs"]):
        driver = mapping(mapping(run.get("tool")).get("driver"))
        tool = text(driver.get("name")) or "scanner"
        rules = [mapping(r) for r in items(driver.get("rules"))]
        for extension in map(mapping, items(mapping(run.get("tool")).get("extensions"))):
            rules += [mapping(r) for r in items(extension.get("rules"))]
        for rule in rules:
            rules_of[tool].setdefault(text(rule.get("id")), rule)
        results = results_of[tool]
        for result in map(mapping, items(run.get("results"))):
            rule_id = text(result.get("ruleId")) or text(mapping(result.get("rule")).get("id"))
            index = result.get("ruleIndex")
            if not rule_id and isinstance(index, int) and 0 <= index < len(rules):
                rule_id = text(rules[index].get("id"))
            if rule_id:
                results[rule_id].append(result)
    total = ignored = 0
    for tool, results in results_of.items():
        for rule_id, found in results.items():
            total += len(found)
            rule = rules_of[tool].get(rule_id, {})
            ignored += _cwe_numbers(rule, rule_id)[1]
            imported.add(_threat(tool, rule_id, rule, found))
        imported.families.append(Family({"sarif_tool": tool}, "sarif_rule", frozenset(results)))
    imported.notes.append(
        f"{total} result{'s' * (total != 1)} in {len(imported.records)} rule{'s' * (len(imported.records) != 1)}"
    )
    if ignored:
        imported.notes.append(f"{ignored} CWE number{'s' * (ignored != 1)} ignored: not a CWE id")
    return imported


def _threat(tool: str, rule_id: str, rule: dict[str, Any], results: list[dict[str, Any]]) -> ImportedRecord:
    short = text(mapping(rule.get("shortDescription")).get("text")) or text(mapping(rule.get("help")).get("text"))
    name = text(rule.get("name")) or text(mapping(rule.get("properties")).get("name"))
    message = text(mapping(results[0].get("message")).get("text"))
    title = f"{tool} {rule_id}: {short or name or message or 'finding'}"
    stride = list(dict.fromkeys(s for cwe in cwes_of(rule, rule_id) for s in CWE_STRIDE.get(cwe, [])))
    locations = [loc for loc in map(_location, results) if loc]
    lines = [
        f"{len(results)} result{'s' * (len(results) != 1)} from {tool} rule {rule_id}"
        + (f" ({name})" if name else "")
        + "."
    ]
    if short and message and message != short:
        lines.append(f"First message: {message}")
    cwes = cwes_of(rule, rule_id)
    if cwes:
        lines.append("CWE: " + ", ".join(f"CWE-{n}" for n in cwes))
    help_uri = text(rule.get("helpUri"))
    if help_uri:
        lines.append(f"Help: {help_uri}")
    if locations:
        lines.append("Locations:")
        lines += [f"- {loc}" for loc in locations[:LOCATIONS_LISTED]]
        if len(locations) > LOCATIONS_LISTED:
            lines.append(f"- and {len(locations) - LOCATIONS_LISTED} more")
    fields: dict[str, Any] = {
        "title": title,
        "stride": stride,
        "severity": _severity(rule, [text(r.get("level")) or "warning" for r in results]),
        "status": "open",
        "notes": "\n".join(lines),
        "tags": ["sarif", tool],
        "sarif_results": len(results),
    }
    return ImportedRecord(
        "threats",
        f"sarif:{tool}:{rule_id}",
        fields,
        match={"sarif_tool": tool, "sarif_rule": rule_id},
        refresh=frozenset({"notes", "sarif_results"}),
    )
