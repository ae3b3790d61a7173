"""The suggestions of one model: context rules, library matches and STRIDE per element, less what is answered."""

from __future__ import annotations

from tmtui.model import Model, Stride
from tmtui.rules.candidates import RANK_LIBRARY, Candidate, candidate_key, capitalised
from tmtui.rules.context import CONTEXT_RULES
from tmtui.rules.facts import Facts
from tmtui.rules.library import Library, LibraryEntry
from tmtui.rules.stride import stride_candidates

# The whole model's list shows at most this many library matches per element, the most specific first: a
# component tagged `api` meets a dozen entries, and a list no one reads in a minute helps no one. The rest come up
# as those are answered, and a view of the one element (`target`) shows them all.
LIBRARY_PER_ELEMENT = 3
_CATEGORIES = tuple(category.value for category in Stride)


def library_matches(facts: Facts, library: Library, element: str) -> list[LibraryEntry]:
    """The library entries that fire on one element (its kind, all their conditions, any of their tags), the most
    specific first: more of the element's tags and conditions matched, then the library's order; and taking turns
    between the element's tags, the one fewest entries share first, so that a component tagged `llm` and `api`
    shows its LLM threats among the first few, not after a dozen API ones."""
    tags = facts.tags(element)
    fired = library.matching(facts.kind(element), tags, facts.conditions[element])
    fired.sort(key=lambda entry: -(len(entry.tags & tags) + len(entry.conditions)))
    by_tag: dict[str, list[LibraryEntry]] = {}
    for entry in fired:
        by_tag.setdefault(min(entry.tags & tags, default=""), []).append(entry)
    for entry in fired:  # an entry that matches several of the element's tags goes with the rarest of them
        matched = entry.tags & tags
        if len(matched) > 1:
            rarest = min(matched, key=lambda tag: (len(by_tag.get(tag, ())), tag))
            by_tag[min(matched)].remove(entry)
            by_tag.setdefault(rarest, []).append(entry)
    turns = sorted((group for group in by_tag.values() if group), key=lambda group: (len(group), fired.index(group[0])))
    out: list[LibraryEntry] = []
    for round_ in range(max((len(group) for group in turns), default=0)):
        out.extend(group[round_] for group in turns if round_ < len(group))
    return out


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
    answered, categories = _answers(model)

    def shape_answered(element: str, stride: tuple[str, ...]) -> bool:
        # STRIDE and context rules read the element's shape: threats raising each of its categories answer one.
        return set(stride) <= categories.get(element, set())

    out: list[Candidate] = []
    for element, candidates in by_element.items():
        offered = [c for c in candidates if (c.rule, element) not in answered and not shape_answered(element, c.stride)]
        if target is None or target == element:
            from_context = {category for candidate in candidates for category in candidate.stride}
            matched = [
                entry
                for entry in library_matches(facts, library, element)
                # An entry with conditions and no tags that raises only what a context rule raises from the same
                # facts would repeat it.
                if entry.tags or not set(entry.stride) <= from_context
            ]
            unanswered = [entry for entry in matched if (entry.id, element) not in answered]
            if target is None:
                unanswered = unanswered[:LIBRARY_PER_ELEMENT]
            # A STRIDE category a sharper candidate on this element raises would say it again, vaguer; a category
            # only a match held back by the limit raises still gets its STRIDE candidate, so none goes unasked.
            raised = from_context.union(*(entry.stride for entry in unanswered))
            answered_here = {category for category in _CATEGORIES if (f"stride.{category}", element) in answered}
            offered += stride_candidates(facts, element, skip=raised | answered_here | categories.get(element, set()))
            offered += [_from_entry(facts, entry, element) for entry in unanswered]
        for candidate in sorted(offered, key=lambda c: (c.rank, c.title.casefold(), c.key)):
            if target is None or target in candidate.targets:
                out.append(candidate)
    return out


def _answers(model: Model) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    """The (rule, element) pairs threats answer, and each element's STRIDE categories threats already raise."""
    answered: set[tuple[str, str]] = set()
    categories: dict[str, set[str]] = {}
    for threat in model.threats:
        for element in threat.targets:
            if threat.rule:
                answered.add((threat.rule.strip(), element))
            categories.setdefault(element, set()).update(threat.stride)
    return answered, categories
