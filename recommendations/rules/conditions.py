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

from ..numbers import danish_number
from .drugs import drug_table, name_in_sentence
from .fact_registry import BOOLEAN, CODE, CODE_SET, FACT_BY_NAME, NUMBER

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

# A condition's value is checked against its fact's type (fact_registry) when content is
# loaded: "gte" "16" (a string) for a number, or "lowback" for a pain site, fails at once with
# the recommendation's name instead of raising or silently never holding at evaluation.
# Operators each type of fact takes.
TYPE_OPS: dict[str, frozenset[str]] = {
    NUMBER: frozenset({"eq", "ne", "lt", "lte", "gt", "gte"}),
    BOOLEAN: frozenset({"eq", "ne"}),
    CODE: frozenset({"eq", "ne", "in"}),
    CODE_SET: frozenset({"contains", "contains_any", "is_empty", "not_empty"}),
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
    if condition["fact"] not in FACT_BY_NAME:
        raise ConditionError(f"{where}: unknown fact {condition['fact']!r}")
    if condition["op"] not in _OPS:
        raise ConditionError(f"{where}: unknown operator {condition['op']!r}")
    _value_validate(condition, where=where)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _value_validate(condition: Mapping, *, where: str) -> None:
    """Raise ConditionError unless the operator and value fit the fact's type."""
    fact, op, value = condition["fact"], condition["op"], condition["value"]
    registered = FACT_BY_NAME[fact]
    kind = registered.type
    spot = f"{where}: {fact} {op} {value!r}"
    if op not in TYPE_OPS[kind]:
        raise ConditionError(f"{spot}: a {kind} fact takes {sorted(TYPE_OPS[kind])}")
    allowed = registered.codes() if registered.codes else None
    nullable = registered.nullable and op in {"eq", "ne"} and value is None
    if kind == NUMBER:
        ok = _is_number(value) or nullable
    elif kind == BOOLEAN:
        ok = isinstance(value, bool) or nullable
    elif kind == CODE and op == "in":
        ok = (
            isinstance(value, list)
            and bool(value)
            and all(isinstance(v, str) and v in allowed for v in value)
        )
    elif kind == CODE:
        ok = (isinstance(value, str) and value in allowed) or nullable
    elif op in {"is_empty", "not_empty"}:
        ok = isinstance(value, bool)
    elif op == "contains":
        ok = isinstance(value, str) and (allowed is None or value in allowed)
    else:  # contains_any
        ok = (
            isinstance(value, list)
            and bool(value)
            and all(isinstance(v, str) and (allowed is None or v in allowed) for v in value)
        )
    if not ok:
        expected = f"one of {sorted(allowed)}" if allowed else f"a {kind} value"
        raise ConditionError(f"{spot}: the value must be {expected} for this operator")


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
        return [_describe_not_held(condition["not"], facts)]
    return [_describe_comparison(condition, facts)]


# What to say when a fact the clinician left blank is why a "not" condition holds.
_NOT_STATED = {
    "trains_independently": "ikke oplyst, om patienten er vant til at træne selvstændigt",
}


def _describe_not_held(inner: Mapping, facts: Mapping[str, Any]) -> str:
    """Return why `not inner` holds, from what the clinician actually gave (blank is not "no")."""
    if "fact" in inner and inner["op"] == "eq" and isinstance(inner["value"], bool):
        fact = inner["fact"]
        if facts[fact] is None:
            return _NOT_STATED.get(fact, f"{FACT_BY_NAME[fact].label}: ikke oplyst")
        return _describe_comparison({**inner, "value": not inner["value"]}, facts)
    return f"ikke ({condition_describe(inner)})"


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
            # A blank answer is not a "no": say that the condition also holds when not stated.
            registered = FACT_BY_NAME[inner["fact"]]
            unstated = " (eller ikke oplyst)" if registered.nullable else ""
            return f"ikke {registered.label}{unstated}"
        return f"ikke ({condition_describe(inner)})"
    return _describe_comparison(condition, None)


def condition_shown_when(condition: Mapping | None, facts: Mapping[str, Any]) -> list[str]:
    """Return, in Danish, each way `condition` would come to hold for these facts.

    Each item alone would be enough ("eller" between items); inside an item every part is
    needed. Parts of an "all" that already hold are left out: they are not what is missing.
    Read from the same condition as the decision, so the two cannot drift apart.
    """
    return [way[:1].upper() + way[1:] for way in _missing_ways(condition, facts)]


def _missing_ways(condition: Mapping | None, facts: Mapping[str, Any]) -> list[str]:
    if condition is None or condition_holds(condition, facts):
        return []
    if "any" in condition:
        return [way for part in condition["any"] for way in _missing_ways(part, facts)]
    if "all" in condition:
        ways = [""]
        for part in condition["all"]:
            needed = _missing_ways(part, facts)
            if needed:
                ways = [f"{way} og {need}" if way else need for way in ways for need in needed]
        return ways
    return [condition_describe(condition)]


def _grouped(condition: Mapping) -> str:
    text = condition_describe(condition)
    return f"({text})" if ("all" in condition or "any" in condition) else text


def _value_text(value: Any, *, last: str = ", ") -> str:
    """Return a value as a Dane reads it: Danish labels and drug names, 26,5 not 26.5."""
    if isinstance(value, (list, tuple, set, frozenset)):
        texts = [_value_text(v) for v in value]
        if len(texts) > 1:
            return ", ".join(texts[:-1]) + last + texts[-1]
        return ", ".join(texts)
    if isinstance(value, float):
        return danish_number(value)
    if isinstance(value, str):
        drug = drug_table().get(value)
        return name_in_sentence(drug.name) if drug else VALUE_LABELS.get(value, value)
    return str(value)


def _describe_comparison(condition: Mapping, facts: Mapping[str, Any] | None) -> str:
    fact, op, value = condition["fact"], condition["op"], condition["value"]
    label = FACT_BY_NAME[fact].label
    if op == "eq" and value is True:
        return label
    if op == "eq" and value is False:
        return f"ikke {label}"
    if op in {"is_empty", "not_empty"}:
        empty = (op == "is_empty") == value
        if facts is not None and not empty and facts[fact]:
            # Name what the patient has ("aktuelle opioider: oxycodon"), not "til stede".
            return f"{label}: {_value_text(sorted(facts[fact]), last=' og ')}"
        return f"ingen {label}" if empty else f"{label} til stede"
    if facts is not None and op == "contains_any":
        # Name what the patient actually has, not the whole list the condition allows.
        matched = [item for item in value if item in facts[fact]]
        return f"{label} omfatter {_value_text(matched, last=' og ')}"
    if op == "in":
        if facts is not None:
            # Name the patient's value, not the list the condition allows.
            return f"{label}: {_value_text(facts[fact])}"
        return f"{label} er {_value_text(value, last=' eller ')}"
    text = f"{label} {_OP_WORDS[op]} {_value_text(value)}"
    if facts is not None and op in {"lt", "lte", "gt", "gte"}:
        text += f" ({_value_text(facts[fact])})"
    return text
