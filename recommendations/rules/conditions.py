"""Declarative applicability conditions over named intake facts.

A condition is JSON held in the fixtures (CONTENT.md's "applies when"), so the clinical logic
is data an editor can read, not code:

    {"all": [c, ...]}  {"any": [c, ...]}  {"not": c}
    {"fact": "<name>", "op": "<op>", "value": <value>}

`condition_validate` runs when content is loaded, so a typo fails loudly with the name of the
recommendation instead of silently never applying.
"""

from collections.abc import Mapping
from typing import Any

from .drugs import drug_table

# Fact name -> Danish wording used when a condition is described to a clinician.
FACT_LABELS: dict[str, str] = {
    "age": "alder (år)",
    "age_group": "aldersgruppe",
    "pain_site": "smertelokalisation",
    "pain_duration_weeks": "smertevarighed (uger)",
    "chronic": "langvarige smerter (mindst 12 uger)",
    "neuropathic_pain": "smerter af neurogen karakter",
    "radicular_signs": "kliniske tegn på nerverodspåvirkning",
    "complex_problems": "komplekse problemstillinger som følge af smerterne",
    "activity_limitation": "nedsat aktivitet og deltagelse i dagligdagen",
    "nonpharmacological_insufficient": "ikke-medicinsk behandling har ikke hjulpet tilstrækkeligt",
    "sleep_problems": "søvnproblemer",
    "somatic_disease_flare": "opblussen af kendt somatisk sygdom",
    "trains_independently": "vant til at træne selvstændigt",
    "work_status": "arbejdssituation",
    "red_flags": "røde flag",
    "current_drugs": "aktuel medicin",
    "current_opioids": "aktuelle opioider",
    "daily_mme": "dagligt morfinækvivalent (mg)",
    "opioid_treatment_months": "varighed af opioidbehandling (måneder)",
    "long_term_opioid": "langvarig opioidbehandling (6 måneder eller mere)",
    "startback_risk": "STarT Back-risikogruppe",
}

VALUE_LABELS: dict[str, str] = {
    "child": "barn/ung",
    "adult": "voksen",
    "low_back": "lænderyg",
    "generalised": "generaliserede smerter",
    "other_msk": "andet i bevægeapparatet",
    "working": "i arbejde",
    "sick_leave": "sygemeldt",
    "unemployed": "ledig",
    "student": "under uddannelse",
    "retired": "pensioneret",
    "other": "andet",
    "low": "lav",
    "medium": "middel",
    "high": "høj",
}

_OPS = {
    "eq": lambda fact, value: fact == value,
    "ne": lambda fact, value: fact != value,
    "lt": lambda fact, value: fact is not None and fact < value,
    "lte": lambda fact, value: fact is not None and fact <= value,
    "gt": lambda fact, value: fact is not None and fact > value,
    "gte": lambda fact, value: fact is not None and fact >= value,
    "in": lambda fact, value: fact in value,
    "contains": lambda fact, value: value in fact,
    "contains_any": lambda fact, value: bool(set(fact) & set(value)),
    "is_empty": lambda fact, value: (len(fact) == 0) == value,
    "not_empty": lambda fact, value: (len(fact) > 0) == value,
}

_OP_WORDS = {
    "eq": "er",
    "ne": "er ikke",
    "lt": "under",
    "lte": "højst",
    "gt": "over",
    "gte": "mindst",
    "in": "er en af",
    "contains": "omfatter",
    "contains_any": "omfatter en af",
}


class ConditionError(ValueError):
    """A condition in the content names an unknown fact or operator, or is malformed."""


def condition_validate(condition: Any, *, where: str) -> None:
    """Raise ConditionError naming `where` unless `condition` is well-formed (None = always)."""
    if condition is None:
        return
    if not isinstance(condition, Mapping):
        raise ConditionError(f"{where}: a condition must be an object, not {condition!r}")
    if "all" in condition or "any" in condition:
        key = "all" if "all" in condition else "any"
        parts = condition[key]
        if set(condition) != {key} or not isinstance(parts, list) or not parts:
            raise ConditionError(f"{where}: '{key}' takes a non-empty list and nothing else")
        for part in parts:
            condition_validate(part, where=where)
        return
    if "not" in condition:
        if set(condition) != {"not"}:
            raise ConditionError(f"{where}: 'not' takes one condition and nothing else")
        condition_validate(condition["not"], where=where)
        return
    if set(condition) != {"fact", "op", "value"}:
        raise ConditionError(
            f"{where}: a comparison needs exactly 'fact', 'op' and 'value', got {sorted(condition)}"
        )
    if condition["fact"] not in FACT_LABELS:
        raise ConditionError(f"{where}: unknown fact {condition['fact']!r}")
    if condition["op"] not in _OPS:
        raise ConditionError(f"{where}: unknown operator {condition['op']!r}")


def condition_holds(condition: Mapping | None, facts: Mapping[str, Any]) -> bool:
    """Return whether `condition` holds for the facts (None always holds)."""
    if condition is None:
        return True
    if "all" in condition:
        return all(condition_holds(part, facts) for part in condition["all"])
    if "any" in condition:
        return any(condition_holds(part, facts) for part in condition["any"])
    if "not" in condition:
        return not condition_holds(condition["not"], facts)
    return _OPS[condition["op"]](facts[condition["fact"]], condition["value"])


def condition_reasons(condition: Mapping | None, facts: Mapping[str, Any]) -> list[str]:
    """Return Danish descriptions of the comparisons that made `condition` hold."""
    if condition is None:
        return []
    if "all" in condition:
        return [r for part in condition["all"] for r in condition_reasons(part, facts)]
    if "any" in condition:
        held = [part for part in condition["any"] if condition_holds(part, facts)]
        return [r for part in held for r in condition_reasons(part, facts)]
    if "not" in condition:
        return [condition_describe(condition)]
    return [_describe_comparison(condition, facts)]


def condition_describe(condition: Mapping | None) -> str:
    """Return the condition in plain Danish, for "Vises når: ..." on the recommendation page."""
    if condition is None:
        return "altid, når patienten er i retningslinjens målgruppe"
    if "all" in condition:
        return " og ".join(_grouped(part) for part in condition["all"])
    if "any" in condition:
        return " eller ".join(_grouped(part) for part in condition["any"])
    if "not" in condition:
        inner = condition["not"]
        if "fact" in inner and inner["op"] == "eq" and inner["value"] is True:
            return f"ikke {FACT_LABELS[inner['fact']]}"
        return f"ikke ({condition_describe(inner)})"
    return _describe_comparison(condition, None)


def _grouped(condition: Mapping) -> str:
    text = condition_describe(condition)
    return f"({text})" if ("all" in condition or "any" in condition) else text


def _value_text(value: Any) -> str:
    """Return a value as a Dane reads it: Danish labels and drug names, 26,5 not 26.5."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_value_text(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}".replace(".", ",")
    if isinstance(value, str):
        drug = drug_table().get(value)
        return drug.name.lower() if drug else VALUE_LABELS.get(value, value)
    return str(value)


def _describe_comparison(condition: Mapping, facts: Mapping[str, Any] | None) -> str:
    fact, op, value = condition["fact"], condition["op"], condition["value"]
    label = FACT_LABELS[fact]
    if op == "eq" and value is True:
        return label
    if op == "eq" and value is False:
        return f"ikke {label}"
    if op in {"is_empty", "not_empty"}:
        empty = (op == "is_empty") == value
        return f"ingen {label}" if empty else f"{label} til stede"
    if facts is not None and op == "contains_any":
        # Name what the patient actually has, not the whole list the condition allows.
        matched = [item for item in value if item in facts[fact]]
        return f"{label} omfatter {_value_text(matched)}"
    text = f"{label} {_OP_WORDS[op]} {_value_text(value)}"
    if facts is not None and op in {"lt", "lte", "gt", "gte"}:
        text += f" ({_value_text(facts[fact])})"
    return text
