"""The drug table (fixtures/drugs.json): names, units and MME factors with their source."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DRUGS_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "drugs.json"

# CONTENT.md: these factors estimate total exposure; they are not for switching opioids.
MME_NOT_FOR_SWITCHING = (
    "Omregningsfaktorerne anslår den samlede opioideksponering og må ikke bruges til at "
    "omregne doser ved skift mellem opioider."
)
MME_THRESHOLD_CONSIDER = 50  # CDC 2022 (US): 50 MME/day or more, consider tapering
MME_THRESHOLD_TAPER = 90  # CDC 2022 (US): 90 MME/day or more, taper now
# The US thresholds with CONTENT.md's wording of CDC's advice ("consider tapering", "taper
# now"), highest first: only the highest one reached is named. One definition for the intake
# alerts and the MME calculator, so the two never word the same threshold differently.
MME_THRESHOLDS = (
    ("mme_90", MME_THRESHOLD_TAPER, "nedtrap nu"),
    ("mme_50", MME_THRESHOLD_CONSIDER, "overvej nedtrapning"),
)
# The alerts that state a daily MME, and the one saying it leaves out opioids whose dose is
# unknown (API.md codes; the intake page and the CDS cards read them by these names).
MME_ALERT_CODES = frozenset(code for code, _limit, _advice in MME_THRESHOLDS)
MME_INCOMPLETE_CODE = "mme_incomplete"


@dataclass(frozen=True)
class Drug:
    code: str
    name: str
    drug_class: str
    unit: str
    mme_factor: float | None
    factor_source: str

    @property
    def is_opioid(self) -> bool:
        return self.drug_class == "opioid"


@cache
def drug_table() -> dict[str, Drug]:
    """Return every known drug by code, read once from fixtures/drugs.json."""
    data = json.loads(DRUGS_FILE.read_text(encoding="utf-8"))
    return {item["code"]: Drug(**item) for item in data["drugs"]}


def name_in_sentence(name: str) -> str:
    """Return a drug name for mid-sentence: "morfin", "andet NSAID", but "SSRI" kept."""
    first, _, rest = name.partition(" ")
    if first.isupper():
        return name
    return " ".join(filter(None, [first.lower(), rest]))


def drug_names(codes) -> str:
    """Return the drugs' names as within a Danish sentence: "oxycodon, morfin"."""
    return ", ".join(name_in_sentence(drug_table()[code].name) for code in codes)


def opioid_codes() -> frozenset[str]:
    return frozenset(code for code, drug in drug_table().items() if drug.is_opioid)
