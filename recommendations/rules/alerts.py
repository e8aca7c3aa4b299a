"""The alert kinds (fixtures/alerts.json): each declared once with its code, level, Danish
wording, source and text kind. Pure: the evaluator, the MME calculator, the pages, the CDS
cards and the generated docs all read this table, so an alert is worded in one place.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..provenance import TextKind  # an alert's text is one of these kinds too

ALERTS_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "alerts.json"
ALERT_LEVELS = ("critical", "warning", "info")


@dataclass(frozen=True)
class AlertKind:
    kind: str
    code: str
    level: str
    message: str  # a str.format template; the evaluator fills in the patient's figures
    source: str  # also a template (a medication alert names its recommendation's source)
    text_kind: str
    trace: str
    mme_at_least: int | None = None  # the daily MME from which an opioid dose alert is raised
    # Red flags: the seed's own words beside this project's reading of what to do.
    seed_words: str = ""
    action: str = ""

    def text(self, **values) -> str:
        """Return the message with the patient's figures filled in."""
        return self.message.format(seed_words=self.seed_words, action=self.action, **values)

    def wording(self) -> str:
        """Return the message with its fixed parts filled in and the patient's as {names}."""
        return self.message.format_map(
            _Placeholders(seed_words=self.seed_words, action=self.action)
        )


class _Placeholders(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def alert_kinds() -> dict[str, AlertKind]:
    """Return every alert kind by name, read once from fixtures/alerts.json and checked."""
    data = json.loads(ALERTS_FILE.read_text(encoding="utf-8"))
    kinds = {item["kind"]: AlertKind(**item) for item in data["alerts"]}
    for kind in kinds.values():
        if kind.level not in ALERT_LEVELS or kind.text_kind not in TextKind.values():
            raise ValueError(f"alerts.json {kind.kind}: level or text_kind not allowed")
    return kinds


def alert_kind(name: str) -> AlertKind:
    return alert_kinds()[name]


def red_flag_alert_kind(level: str) -> AlertKind:
    """Return the alert a red flag of this level raises (CONTENT.md, Red flags)."""
    return alert_kind(f"red_flag_{level}")


def mme_alert_kinds() -> tuple[AlertKind, ...]:
    """Return the opioid dose alerts, highest threshold first: only the highest reached is
    raised (mme_90 replaces mme_50, CONTENT.md)."""
    dose_kinds = (kind for kind in alert_kinds().values() if kind.mme_at_least is not None)
    return tuple(sorted(dose_kinds, key=lambda kind: -kind.mme_at_least))


def mme_alert_reached(mme: float | None) -> AlertKind | None:
    """Return the highest opioid dose alert a daily MME reaches, if any."""
    if mme is None:
        return None
    return next((kind for kind in mme_alert_kinds() if mme >= kind.mme_at_least), None)


def mme_alert_codes() -> frozenset[str]:
    """Return the codes of the alerts that state a daily MME (the pages and cards read them)."""
    return frozenset(kind.code for kind in mme_alert_kinds())


# The alert saying the MME leaves out opioids whose daily dose is unknown (only from a record).
MME_INCOMPLETE_CODE = "mme_incomplete"
