"""The English interface is complete: every Danish interface string has a translation.

Django falls back to the Danish source string for a missing translation, so an English user
would silently meet Danish text. These checks catch a string added to a template without
`makemessages` being run (docs/operations.md: "Translations").
"""

import re
from pathlib import Path

from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# {% translate "..." %} with a plain literal (no context, no variables).
TEMPLATE_LITERAL = re.compile(r'\{%\s*(?:translate|trans)\s+"([^"]+)"')


def catalogue_entries() -> list[tuple[list[str], str, str]]:
    """Return (flags, msgid, msgstr) per entry of the English catalogue, header excluded."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        flags = [line for line in lines if line.startswith("#,")]
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'(msgid|msgstr|msgid_plural|msgstr\[\d\]|msgctxt) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
            entries.append((flags, fields["msgid"], msgstr))
    return entries


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    entries = catalogue_entries()
    assert len(entries) > 100
    untranslated = [msgid for _, msgid, msgstr in entries if not msgstr]
    fuzzy = [msgid for flags, msgid, _ in entries if any("fuzzy" in f for f in flags)]
    assert untranslated == []
    assert fuzzy == []


def test_every_template_string_is_in_the_english_catalogue():
    msgids = {msgid for _, msgid, _ in catalogue_entries()}
    missing = sorted(
        f"{path.relative_to(ROOT)}: {text}"
        for path in (ROOT / "templates").rglob("*.html")
        for text in TEMPLATE_LITERAL.findall(path.read_text(encoding="utf-8"))
        # makemessages stores a literal "%" in a template string as "%%".
        if text not in msgids and text.replace("%", "%%") not in msgids
    )
    assert missing == []


def test_the_compiled_catalogue_is_current():
    # The .mo file is what Django reads: a translation only in the .po file is never shown.
    with translation.override("en"):
        for _, msgid, msgstr in catalogue_entries():
            if "%" not in msgid and "\\" not in msgid:
                assert translation.gettext(msgid) == msgstr, msgid
