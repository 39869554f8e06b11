"""Mentions linked into projects.

Forms anchor projects (one project per form); project-table rows and score-table
rows link to a form's project or, linking to none, anchor a project of their own
(a report without forms still has its projects). Prose mentions (summaries,
self-evaluation paragraphs) link to a project or are listed as unlinked, never
dropped. A mention links to the project it matches best (exact > unit prefix >
normalised > one character > contained), each project taking at most one mention
of each kind; summaries left over between two linked ones are then paired with the
forms left over between those forms, in order, when the counts agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.projects.names import Match, compare, name_key, plain
from schemas import Project, ProjectLink, ProjectMention

_ORDER_CONFIDENCE = 0.6


@dataclass
class _Draft:
    """A project being built: its mentions and links, by kind."""

    mentions: list[ProjectMention] = field(default_factory=list)
    links: list[ProjectLink] = field(default_factory=list)

    @property
    def anchor(self) -> ProjectMention:
        return self.mentions[0]

    def kinds(self) -> set[str]:
        return {m.kind for m in self.mentions}

    def add(self, mention: ProjectMention, match: Match) -> None:
        self.mentions.append(mention)
        self.links.append(ProjectLink(mention_id=mention.id, method=match.method, confidence=match.confidence))


def link(anchors: list[ProjectMention], structured: list[list[ProjectMention]],
         prose: list[list[ProjectMention]]) -> tuple[list[Project], list[ProjectMention]]:
    """Projects from ``anchors`` (forms), then each group of ``structured`` mentions (table
    rows, score rows: unmatched ones anchor new projects), then each group of ``prose``
    mentions (unmatched ones are returned as unlinked)."""
    drafts: list[_Draft] = []
    for mention in anchors:
        draft = _Draft()
        draft.add(mention, Match("anchor", 1.0))
        drafts.append(draft)
    for group in structured:
        for mention in _assign(group, drafts):
            draft = _Draft()
            draft.add(mention, Match("anchor", 1.0))
            drafts.append(draft)
    unlinked: list[ProjectMention] = []
    for group in prose:
        left = _assign(group, drafts)
        unlinked.extend(_by_order(left, group, drafts))
    projects = [Project(id=f"P{i}", name=d.anchor.name, mentions=d.mentions, links=d.links)
                for i, d in enumerate(drafts, 1)]
    return projects, unlinked


def _match(mention: ProjectMention, anchor: ProjectMention) -> Match | None:
    """How ``mention`` matches a project anchored by ``anchor`` (a unit printed before the
    name in the mention is the anchor's 实施单位)."""
    direct = compare(mention.name, mention.key, anchor.name, anchor.key)
    if anchor.unit and plain(mention.name) != plain(anchor.name):
        key = name_key(mention.name, anchor.unit)
        if key != mention.key:
            stripped = compare(mention.name, key, anchor.name, anchor.key)
            if stripped is not None and stripped.method in ("normalised", "one_character"):
                unit = Match("unit_prefix", 0.95 if stripped.method == "normalised" else 0.75)
                return unit if direct is None or direct.confidence < unit.confidence else direct
            if stripped is not None and (direct is None or stripped.confidence > direct.confidence):
                return stripped
    return direct


_NEAREST_ALIKE = 8  # projects printed alike that one mention is compared with


def _assign(group: list[ProjectMention], drafts: list[_Draft]) -> list[ProjectMention]:
    """Link each mention of ``group`` to its best project, best matches first; the rest is returned.
    Projects printed alike or with the same key are found through an index; only a mention
    without such a project is compared with every project (cost linear in a regular report)."""
    candidates: list[tuple[float, int, int, int, Match]] = []
    index = _Index(drafts)
    for m_index, mention in enumerate(group):
        alike = index.likely(mention)
        # A name printed in many places (a report bound with copies of itself) would be
        # compared with every one of them: keep the nearest in order, which win ties anyway.
        free = [d for d in alike if mention.kind not in drafts[d].kinds()]
        nearest = sorted(free, key=lambda d: abs(m_index - d))[:_NEAREST_ALIKE]
        for d_index in nearest if alike else range(len(drafts)):
            draft = drafts[d_index]
            if mention.kind in draft.kinds():
                continue
            match = _match(mention, draft.anchor)
            if match is not None:
                # equal confidence: the nearer in order wins (reports list projects in one order)
                distance = abs(m_index - d_index)
                candidates.append((-match.confidence, distance, m_index, d_index, match))
    candidates.sort(key=lambda c: (c[0], c[1], c[2], c[3]))
    taken: set[int] = set()
    for _, _, m_index, d_index, match in candidates:
        mention, draft = group[m_index], drafts[d_index]
        if m_index in taken or mention.kind in draft.kinds():
            continue
        draft.add(mention, match)
        taken.add(m_index)
    return [m for i, m in enumerate(group) if i not in taken]


class _Index:
    """Projects by the printed name, the key, and the key under each 实施单位 of their anchors."""

    def __init__(self, drafts: list[_Draft]) -> None:
        self.by_name: dict[str, list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        self.units: set[str] = set()
        for d_index, draft in enumerate(drafts):
            anchor = draft.anchor
            self.by_name.setdefault(plain(anchor.name), []).append(d_index)
            self.by_key.setdefault(anchor.key, []).append(d_index)
            if anchor.unit:
                self.units.add(anchor.unit)

    def likely(self, mention: ProjectMention) -> list[int]:
        """Projects printed alike or keyed alike (the mention's unit prefix removed), in order."""
        found = set(self.by_name.get(plain(mention.name), ())) | set(self.by_key.get(mention.key, ()))
        for unit in self.units:
            found.update(self.by_key.get(name_key(mention.name, unit), ()))
        return sorted(found)


def _by_order(left: list[ProjectMention], group: list[ProjectMention], drafts: list[_Draft]) -> list[ProjectMention]:
    """Pair leftover mentions with leftover projects lying between the same two linked
    neighbours, in order, when there are as many of each; the rest stays unlinked."""
    if not left:
        return []
    kind = left[0].kind
    position = {id(d): i for i, d in enumerate(drafts)}
    owner = {m.id: position[id(d)] for d in drafts for m in d.mentions if m.kind == kind}
    anchored = [d for d in drafts if d.anchor.kind == "form"]
    if not anchored:
        return left
    unlinked: list[ProjectMention] = []
    run: list[ProjectMention] = []
    before: int | None = None
    for mention in [*group, None]:
        if mention is not None and mention.id not in owner:
            run.append(mention)
            continue
        after = owner[mention.id] if mention is not None else len(drafts)
        if run:
            start = -1 if before is None else before
            free = [d for d in drafts[start + 1 : after] if kind not in d.kinds() and d.anchor.kind == "form"]
            if before is not None and mention is not None and len(free) == len(run):
                for draft, item in zip(free, run, strict=True):
                    draft.add(item, Match("order", _ORDER_CONFIDENCE))
            else:
                unlinked.extend(run)
            run = []
        before = after
    return unlinked
