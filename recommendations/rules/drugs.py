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
