"""Record text never becomes a link in a card: the detail is rendered as record systems render
it, with GitHub's cmark-gfm (autolinks) and markdown-it with linkify, and every link in the
result is one of ours."""

import re

import cmarkgfm
import pytest
from markdown_it import MarkdownIt

from patients.cds.card_text import md
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")

ADDRESSES = [
    "www.evil.example",
    "WWW.EVIL.EXAMPLE",
    "https://evil.example/login",
    "HTTP://evil.example",
    "ftp://evil.example/x",
    "//evil.example",
    "evil.dk",
    "evil.example/path",
    "hacker@evil.example",
    "mailto:hacker@evil.example",
    "xmpp:hacker@evil.example",
    "`www.evil.example`",
]
LINK = re.compile(r"""<a [^>]*href="([^"]*)\"""")


def rendered(markdown: str) -> list[str]:
    return [
        cmarkgfm.github_flavored_markdown_to_html(markdown),
        MarkdownIt("gfm-like", {"linkify": True}).render(markdown),
    ]


def foreign_links(markdown: str) -> list[str]:
    return [
        href
        for html in rendered(markdown)
        for href in LINK.findall(html)
        if not href.startswith("http://testserver/")
    ]


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_in_text_is_never_a_link(address):
    text = f"Se {address} for mere"

    assert foreign_links(md(text)) == []


@pytest.mark.parametrize("text", ["Se f.eks. M54.5 fra 1.1.1980: 10 mg.", "a*b* [c](d) <e>"])
def test_escaped_text_reads_as_it_was_written(text):
    html = cmarkgfm.github_flavored_markdown_to_html(md(text))
    plain = re.sub(r"<[^>]+>", "", html).strip()
    assert plain == text.replace("<", "&lt;").replace(">", "&gt;")


def test_record_text_with_addresses_makes_no_link_in_any_card(client, ehr):
    lure = " ".join(ADDRESSES)
    body = fhir.hook_request(
        fhir.patient(52),
        conditions=[
            fhir.condition("M79.7", f"Fibromyalgi {lure}", onset=fhir.years_ago(3)),
            fhir.condition("G83.4", f"Cauda equina {lure}", onset=fhir.ago(days=1)),
        ],
        statements=[
            fhir.medication_statement(
                "N02AA05", f"Oxycodon {lure}", fhir.dosage(10, per_day=2), since=fhir.years_ago(2)
            ),
            fhir.medication_statement("N02AX99", f"Ukendt {lure}", fhir.dosage(1, per_day=1)),
        ],
    )

    response = ehr.call(client, body)

    assert response.status_code == 200, response.content
    cards = response.json()["cards"]
    assert any("evil" in card["detail"] for card in cards)  # the record's text is shown
    for card in cards:
        assert foreign_links(card["detail"]) == [], card["summary"]
