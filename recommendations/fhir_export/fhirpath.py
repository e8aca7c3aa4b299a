"""nkr's applicability conditions (rules/conditions.py) as FHIRPath, for the PlanDefinition.

FHIR R4's Expression allows text/cql, text/fhirpath and application/x-fhir-query; FHIRPath
over the facts nkr derives from an intake is the direct reading of a condition. The facts are
the external constant `%facts`: an object with one property per fact of docs/clinical-rules.md
(`age`, `pain_site`, `red_flags`, `current_drugs`, ...), with the values of
`POST /api/v1/evaluate/` and the derived facts, an unknown value empty. The expressions keep the
rules' meaning for unknown values: a comparison with an unknown value does not hold, and so
"not (trains independently)" holds when it is unknown.
"""

from collections.abc import Iterable, Mapping
from typing import Any

FACTS = "%facts"
_COMPARISONS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def _literal(value: Any) -> str:
    """Return a FHIRPath literal: 'text' (quotes and backslashes escaped), true, 12.5."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _union(values: Iterable[Any]) -> str:
    return "(" + " | ".join(_literal(value) for value in values) + ")"


def _comparison(fact: str, op: str, value: Any) -> str:
    path = f"{FACTS}.{fact}"
    if value is None:  # "eq null": the fact is not known
        return f"{path}.empty()" if op == "eq" else f"{path}.exists()"
    if op in {"eq", "ne"}:
        # Equivalence (~) is false, and !~ true, when the fact is unknown (empty): the rules'
        # "None == value" and "None != value". (= would give empty, and not() of it empty.)
        return f"{path} {'~' if op == 'eq' else '!~'} {_literal(value)}"
    if op in _COMPARISONS:
        return f"({path}.exists() and {path} {_COMPARISONS[op]} {_literal(value)})"
    if op == "in":
        return f"({path}.exists() and {path} in {_union(value)})"
    if op == "contains":
        return f"{path} contains {_literal(value)}"
    if op == "contains_any":
        return f"{path}.intersect({_union(value)}).exists()"
    # is_empty / not_empty with true or false
    empty = (op == "is_empty") == value
    return f"{path}.empty()" if empty else f"{path}.exists()"


def condition_fhirpath(condition: Mapping) -> str:
    """Return a checked condition (never None) as a FHIRPath boolean expression over %facts."""
    if "all" in condition:
        return " and ".join(f"({condition_fhirpath(part)})" for part in condition["all"])
    if "any" in condition:
        return " or ".join(f"({condition_fhirpath(part)})" for part in condition["any"])
    if "not" in condition:
        return f"({condition_fhirpath(condition['not'])}).not()"
    return _comparison(condition["fact"], condition["op"], condition["value"])
