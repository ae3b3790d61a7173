"""The suggestions of one model: context rules, library matches and STRIDE per element, less what is answered."""

from __future__ import annotations

from tmtui.model import Model
from tmtui.rules.candidates import RANK_LIBRARY, Candidate, candidate_key, capitalised
from tmtui.rules.context import CONTEXT_RULES
from tmtui.rules.facts import Facts
from tmtui.rules.library import Library, LibraryEntry
from tmtui.rules.stride import stride_candidates


def library_candidates(facts: Facts, library: Library, element: str) -> list[Candidate]:
    """The library entries that fire on one element: its kind, all their conditions, and any of their tags."""
    kind, tags, conditions = facts.kind(element), facts.tags(element), facts.conditions[element]
    return [_from_entry(facts, entry, element) for entry in library.entries if entry.matches(kind, tags, conditions)]


def _from_entry(facts: Facts, entry: LibraryEntry, element: str) -> Candidate:
    label = facts.label(element)

    def fill(text: str) -> str:
        return text.replace("{target}", label)

    tagged = sorted(entry.tags & facts.tags(element))
    facts_used = [facts.phrase(condition, element) for condition in sorted(entry.conditions)]
    if tagged:
        facts_used.insert(0, f"is tagged {', '.join(tagged)}")
    said = facts_used[0] if len(facts_used) == 1 else ", ".join(facts_used[:-1]) + " and " + facts_used[-1]
    return Candidate(
        key=candidate_key(entry.id, (element,)),
        rule=entry.id,
        title=capitalised(fill(entry.title)),
        stride=entry.stride,
        targets=(element,),
        source=fill(entry.source),
        prerequisites=fill(entry.prerequisites),
        action=fill(entry.action),
        impact=fill(entry.impact),
        goals=entry.goals,
        mitigations=entry.mitigations,
        references=entry.references,
        reason=f"{facts.describe(element)} {said}.",
        rank=RANK_LIBRARY,
    )


def suggest(model: Model, library: Library, target: str | None = None) -> list[Candidate]:
    """Unanswered candidates: grouped by element (components in file order, then flows), then rank, then title.
    `target` keeps those whose targets include that component or flow id."""
    facts = Facts(model)
    by_element: dict[str, list[Candidate]] = {element: [] for element in facts.elements}
    for rule in CONTEXT_RULES:
        for candidate in rule(facts):
            by_element[candidate.element].append(candidate)
    for element in facts.elements:
        by_element[element].extend(library_candidates(facts, library, element))
    answered, categories = _answers(model)
    out: list[Candidate] = []
    for element, candidates in by_element.items():
        # A STRIDE category a sharper candidate already raises on this element would say the same thing vaguer.
        raised = {category for candidate in candidates for category in candidate.stride}
        candidates.extend(c for c in stride_candidates(facts, element) if c.stride[0] not in raised)
        for candidate in sorted(candidates, key=lambda c: (c.rank, c.title.casefold(), c.key)):
            if (candidate.rule, element) in answered:
                continue
            if candidate.rank != RANK_LIBRARY and all((element, c) in categories for c in candidate.stride):
                continue  # STRIDE and context rules read the element's shape: a threat of each category answers
            if target is not None and target not in candidate.targets:
                continue
            out.append(candidate)
    return out


def _answers(model: Model) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The (rule, element) pairs threats answer, and the (element, STRIDE category) pairs threats already raise."""
    answered: set[tuple[str, str]] = set()
    categories: set[tuple[str, str]] = set()
    for threat in model.threats:
        for element in threat.targets:
            if threat.rule:
                answered.add((threat.rule.strip(), element))
            for category in threat.stride:
                categories.add((element, category))
    return answered, categories
