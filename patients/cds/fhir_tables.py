"""The FHIR mapping tables (fixtures/fhir_mapping.json): which code means which fact or drug."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

MAPPING_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "fhir_mapping.json"


# --- The mapping tables --------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionRule:
    namespace: str
    code: str
    display: str
    source: str
    pain_site: str | None = None
    radicular_signs: bool = False
    neuropathic_pain: bool = False
    chronic_pain: bool = False
    red_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MedicationRule:
    atc: str
    source: str
    drug: str | None = None
    combination: bool = False
    patch: bool = False
    red_flags: tuple[str, ...] = ()
    display: str = ""


@dataclass(frozen=True)
class MappingTable:
    systems: Mapping[str, tuple[str, str]]  # system URI -> (namespace, prefix to strip)
    conditions: Mapping[str, Mapping[str, ConditionRule]]  # namespace -> normalised code -> rule
    medications: Mapping[str, MedicationRule]  # ATC (prefix) -> rule
    mass_mg: Mapping[str, float]
    rate_mcg_per_hour: Mapping[str, float]
    timing_system: str
    timing_per_day: Mapping[str, float]
    period_days: Mapping[str, float]
    ucum_uris: frozenset[str]
    chronic_pain_min_weeks: float  # what a chronic-pain code says of the duration, at least


def _normalise(namespace: str, code: str) -> str:
    code = code.strip().upper()
    return code.replace(".", "") if namespace == "icd10" else code


@cache
def mapping_table() -> MappingTable:
    """Return the mapping tables, read once from fixtures/fhir_mapping.json."""
    data = json.loads(MAPPING_FILE.read_text(encoding="utf-8"))
    systems: dict[str, tuple[str, str]] = {}
    for name, system in data["code_systems"].items():
        # SKS diagnosis codes are ICD-10 codes with a D in front: one table serves both.
        namespace = "icd10" if name == "sks" else name
        for uri in system["uris"]:
            systems[uri] = (namespace, system.get("strip_prefix", ""))
    conditions: dict[str, dict[str, ConditionRule]] = {}
    for row in data["conditions"]:
        rule = ConditionRule(
            namespace=row["system"],
            code=row["code"],
            display=row["display"],
            source=row["source"],
            pain_site=row.get("pain_site"),
            radicular_signs=row.get("radicular_signs", False),
            neuropathic_pain=row.get("neuropathic_pain", False),
            chronic_pain=row.get("chronic_pain", False),
            red_flags=tuple(row.get("red_flags", ())),
        )
        conditions.setdefault(rule.namespace, {})[_normalise(rule.namespace, rule.code)] = rule
    medications = {
        row["atc"]: MedicationRule(
            atc=row["atc"],
            source=row["source"],
            drug=row.get("drug"),
            combination=row.get("combination", False),
            patch=row.get("patch", False),
            red_flags=tuple(row.get("red_flags", ())),
            display=row.get("display", ""),
        )
        for row in data["medications"]
    }
    units = data["dose_units"]
    return MappingTable(
        systems=systems,
        conditions=conditions,
        medications=medications,
        mass_mg=units["mass_mg"],
        rate_mcg_per_hour=units["rate_mcg_per_hour"],
        timing_system=data["timing_codes"]["system"],
        timing_per_day=data["timing_codes"]["per_day"],
        period_days=data["period_units"]["days"],
        ucum_uris=frozenset(data["code_systems"]["ucum"]["uris"]),
        chronic_pain_min_weeks=data["chronic_pain"]["minimum_weeks"],
    )


def _longest_prefix(table: Mapping[str, Any], code: str) -> Any:
    for length in range(len(code), 0, -1):
        if code[:length] in table:
            return table[code[:length]]
    return None


def condition_rule(system: str, code: str) -> ConditionRule | None:
    """Return the rule for a coded condition, or None when the code means nothing to us."""
    table = mapping_table()
    namespace, strip = table.systems.get(system, ("", ""))
    rules = table.conditions.get(namespace)
    if not rules:
        return None
    code = code.strip().upper()
    if strip:
        if not code.startswith(strip):
            return None  # an SKS code that is not a diagnosis (procedures, etc.)
        code = code[len(strip) :]
    code = _normalise(namespace, code)
    if namespace == "snomed":
        return rules.get(code)  # SNOMED CT identifiers are not hierarchical strings
    return _longest_prefix(rules, code)


def medication_rule(atc: str) -> MedicationRule | None:
    """Return the rule for an ATC code (the longest matching row), or None."""
    return _longest_prefix(mapping_table().medications, atc.strip().upper())
