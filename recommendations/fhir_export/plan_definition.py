"""A guideline as a FHIR R4 PlanDefinition, following HL7 CPG-on-FHIR (Clinical Practice
Guidelines IG, STU2) conventions. Pure: plain values in, a JSON-ready dict out.

One action per recommendation, in source order, carrying:
- its sentence (`title`, and `textEquivalent` with symbol and Danish label),
- strength (cqf-strengthOfRecommendation): HL7 recommendation-strength for strong and weak,
  always also nkr's own code so good practice and "not graded" are said too,
- direction (cpg-directionOfRecommendation: for / against),
- certainty (cqf-qualityOfEvidence, HL7 evidence-quality) where the source gives one,
- applicability: one `applicability` condition per scope criterion of the guideline and one
  for the recommendation's own "applies when" (none when it applies to everyone in scope),
  each described in Danish, with the condition as a FHIRPath expression over the intake's
  facts (fhir_export/fhirpath.py; R4 allows no other language for nkr's conditions),
- its page (naming the recommendation's published version) and source as related artifacts.

The canonical `url` is `<canonical base>/PlanDefinition/<slug>`, the base a setting
(FHIR_CANONICAL_BASE): it names the guideline, whichever host served the export.

The PlanDefinition's `version` is the time of the last published change to the guideline or
any of its recommendations, the same instant as `date`: it changes whenever the content does.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from ..grading import strength_symbol
from ..rules.conditions import condition_describe
from .fhirpath import condition_fhirpath

STRENGTH_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
QUALITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
DIRECTION_EXTENSION = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-directionOfRecommendation"
HL7_STRENGTH_SYSTEM = "http://terminology.hl7.org/CodeSystem/recommendation-strength"
HL7_QUALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/evidence-quality"
CPG_DIRECTION_SYSTEM = "http://hl7.org/fhir/uv/cpg/CodeSystem/cpg-recommendation-direction-cs"
PLAN_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
CONDITION_LANGUAGE = "text/fhirpath"  # over the intake's facts (fhir_export/fhirpath.py)
# nkr's own strength codes (good practice, not graded have no HL7 code). A code system's URI
# must not change with the host that serves the export, and nkr publishes no CodeSystem
# resource to resolve, so it is a fixed urn:uuid (FHIR R4 terminologies: a URI need not
# resolve). Documented in docs/integration.md; never change it.
NKR_STRENGTH_SYSTEM = "urn:uuid:a5e1e6b3-2102-43d8-8de1-41baf770104d"

# Sundhedsstyrelsen's NKR scheme (CONTENT.md) -> HL7 recommendation-strength, where one exists.
HL7_STRENGTH = {"strong": ("strong", "Strong"), "weak": ("weak", "Weak")}
NKR_STRENGTH_DISPLAY = {
    "strong": "Stærk anbefaling",
    "weak": "Svag anbefaling",
    "good_practice": "God praksis",
    "not_graded": "Ikke NKR-graderet",
}
# GRADE certainty (CONTENT.md) -> HL7 evidence-quality.
HL7_QUALITY = {
    "high": ("high", "High quality"),
    "moderate": ("moderate", "Moderate quality"),
    "low": ("low", "Low quality"),
    "very_low": ("very-low", "Very low quality"),
}
DIRECTION_DISPLAY = {"for": "For", "against": "Against"}


def _fhir_name(slug: str) -> str:
    """Return a computable name (FHIR name pattern: starts upper-case, letters and digits)."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", slug) if part)


def _applicability(condition: Mapping, description: str) -> dict:
    return {
        "kind": "applicability",
        "expression": {
            "description": description,
            "language": CONDITION_LANGUAGE,
            "expression": condition_fhirpath(condition),
        },
    }


def _when(changed: Any) -> str:
    return changed.isoformat() if isinstance(changed, datetime) else str(changed)


def _strength(strength: str, nkr_system: str) -> dict:
    codings = [{"system": nkr_system, "code": strength, "display": NKR_STRENGTH_DISPLAY[strength]}]
    if strength in HL7_STRENGTH:
        code, display = HL7_STRENGTH[strength]
        codings.insert(0, {"system": HL7_STRENGTH_SYSTEM, "code": code, "display": display})
    return {
        "url": STRENGTH_EXTENSION,
        "valueCodeableConcept": {"coding": codings, "text": NKR_STRENGTH_DISPLAY[strength]},
    }


def plan_definition_build(
    *,
    guideline: Any,
    recommendations: Iterable[Any],
    absolute: Callable[[str], str],
    canonical_base: str,
) -> dict:
    """Return the guideline as a FHIR R4 PlanDefinition (JSON-ready dict).

    `guideline` and `recommendations` are read by attribute (the models or equivalents),
    `absolute` turns a site path into an absolute URL (the pages), `canonical_base` is the base
    of the PlanDefinition's canonical URL (FHIR_CANONICAL_BASE).
    """
    recs = list(recommendations)
    nkr_system = NKR_STRENGTH_SYSTEM
    changed = max([guideline.updated_at, *(rec.updated_at for rec in recs)])
    scope = [
        _applicability(criterion["condition"], condition_describe(criterion["condition"]))
        for criterion in guideline.scope
    ]
    actions = []
    for rec in recs:
        extensions = [
            _strength(rec.strength, nkr_system),
            {
                "url": DIRECTION_EXTENSION,
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": CPG_DIRECTION_SYSTEM,
                            "code": rec.direction,
                            "display": DIRECTION_DISPLAY[rec.direction],
                        }
                    ]
                },
            },
        ]
        if rec.certainty in HL7_QUALITY:
            code, display = HL7_QUALITY[rec.certainty]
            extensions.append(
                {
                    "url": QUALITY_EXTENSION,
                    "valueCodeableConcept": {
                        "coding": [{"system": HL7_QUALITY_SYSTEM, "code": code, "display": display}]
                    },
                }
            )
        # A recommendation that applies to everyone in scope has no condition of its own:
        # the scope's conditions say it all (an expression "null" would be no expression).
        own = (
            [_applicability(rec.applies_when, condition_describe(rec.applies_when))]
            if rec.applies_when is not None
            else []
        )
        label = rec.label  # with a non-NKR source's own grade (provenance "grade")
        documentation = [
            {
                "type": "documentation",
                "label": "nkr",
                # R4 actions carry no version: the page names the one exported.
                "display": f"nkr, version {rec.version}",
                "url": absolute(rec.get_absolute_url()),
            },
            {"type": "citation", "citation": rec.source},
        ]
        actions.append(
            {
                "id": rec.slug,
                "extension": extensions,
                "title": rec.title,
                "description": rec.rationale,
                "textEquivalent": (
                    f"{strength_symbol(rec.strength, rec.direction)} {label}: {rec.title}"
                ),
                "documentation": documentation,
                "condition": [*scope, *own],
            }
        )
    return {
        "resourceType": "PlanDefinition",
        "id": guideline.slug,
        "url": f"{canonical_base}/PlanDefinition/{guideline.slug}",
        "version": _when(changed),
        "name": _fhir_name(guideline.slug),
        "title": guideline.title,
        "type": {
            "coding": [
                {
                    "system": PLAN_TYPE_SYSTEM,
                    "code": "clinical-protocol",
                    "display": "Clinical Protocol",
                }
            ]
        },
        "status": "active",
        "experimental": False,
        "date": _when(changed),
        "publisher": "nkr",
        # The summary marks the limits that are nkr's reading of the source ("mindst 12 uger").
        "description": guideline.population_summary or guideline.population,
        "language": "da",
        "relatedArtifact": [
            {"type": "citation", "citation": guideline.source},
            {
                "type": "documentation",
                "label": "nkr",
                "url": absolute(guideline.get_absolute_url()),
            },
        ],
        "action": actions,
    }
