"""How a guideline page is laid out for a GP to scan: its source edition and year, and its
recommendations under the source's own sections (fixtures/guideline_sections.json).

Read once and checked against the guideline fixtures: a section naming an unknown
recommendation, or a recommendation in two sections, is an error when the file loads.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SECTIONS_FILE = FIXTURES / "guideline_sections.json"


@dataclass(frozen=True)
class Section:
    number: int
    title: str | None  # None where the sources do not name the section
    title_source: str | None
    recommendations: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return f"afsnit-{self.number}"


@dataclass(frozen=True)
class GuidelineLayout:
    edition: str
    year: int | None  # None where the source states no year ("år ikke angivet")
    edition_source: str
    section_kind: str | None  # "Kapitel": what the source calls its sections
    sections_source: str
    sections: tuple[Section, ...]
    red_flags_table: bool
    red_flags_source: str

    @property
    def trace(self) -> str:
        """Return where the edition, the sections and their titles come from (for review)."""
        parts = [f"Udgave og år: {self.edition_source}."]
        if self.sections_source:
            parts.append(f"Afsnit: {self.sections_source}")
        parts += [f"{s.number}: {s.title_source}." for s in self.sections if s.title_source]
        if self.red_flags_source:
            parts.append(f"Røde flag: {self.red_flags_source}.")
        return " ".join(parts)


@cache
def guideline_layouts() -> dict[str, GuidelineLayout]:
    """Return every guideline's layout by slug, read once and checked."""
    data = json.loads(SECTIONS_FILE.read_text(encoding="utf-8"))["guidelines"]
    layouts = {}
    for slug, item in data.items():
        sections = tuple(
            Section(s["number"], s["title"], s["title_source"], tuple(s["recommendations"]))
            for s in item["sections"]
        )
        layouts[slug] = GuidelineLayout(
            edition=item["edition"],
            year=item["year"],
            edition_source=item["edition_source"],
            section_kind=item["section_kind"],
            sections_source=item.get("sections_source", ""),
            sections=sections,
            red_flags_table=item["red_flags_table"],
            red_flags_source=item.get("red_flags_source", ""),
        )
        layout_check(slug, layouts[slug])
    return layouts


def layout_check(slug: str, layout: GuidelineLayout) -> None:
    """Fail unless `slug` is a guideline whose recommendations each stand in at most one
    section of `layout`, every section title with its source."""
    path = FIXTURES / "guidelines" / f"{slug}.json"
    if not path.exists():
        raise ValueError(f"guideline_sections.json: unknown guideline {slug!r}")
    known = {rec["slug"] for rec in json.loads(path.read_text(encoding="utf-8"))["recommendations"]}
    placed = [rec for section in layout.sections for rec in section.recommendations]
    unknown = sorted(set(placed) - known)
    twice = sorted({rec for rec in placed if placed.count(rec) > 1})
    if unknown or twice:
        raise ValueError(
            f"guideline_sections.json: {slug}: unknown recommendations {unknown}, "
            f"in two sections {twice}"
        )
    if any(s.title and not s.title_source for s in layout.sections):
        raise ValueError(f"guideline_sections.json: {slug}: every section title names its source")


def guideline_layout(slug: str) -> GuidelineLayout | None:
    return guideline_layouts().get(slug)


def red_flags_table_guideline() -> str | None:
    """Return the slug of the guideline whose page prints the red-flag table (seed 003)."""
    layouts = guideline_layouts().items()
    return next((slug for slug, layout in layouts if layout.red_flags_table), None)


@dataclass(frozen=True)
class SectionView:
    section: Section | None  # None: recommendations the source places in no section
    recommendations: list


def sections_with_recommendations(layout: GuidelineLayout | None, recommendations) -> list:
    """Return the recommendations grouped under their sections, in source order.

    A recommendation an editor added that no section names is listed after the sections, so
    nothing is left out.
    """
    recs = list(recommendations)
    if layout is None or not layout.sections:
        return [SectionView(None, recs)]
    by_slug = {rec.slug: rec for rec in recs}
    groups = [
        SectionView(s, [by_slug[slug] for slug in s.recommendations if slug in by_slug])
        for s in layout.sections
    ]
    placed = {slug for s in layout.sections for slug in s.recommendations}
    rest = [rec for rec in recs if rec.slug not in placed]
    return [g for g in groups if g.recommendations] + ([SectionView(None, rest)] if rest else [])
