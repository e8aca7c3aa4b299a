"""The templates as Django reads them: nothing meant for developers may reach a reader.

Found trying the intake on a phone (2026-12-06): a `{# ... #}` comment written over two lines
is not a comment to Django (only `{% comment %}` spans lines), so its text was shown under the
alerts of every result.
"""

import re
from pathlib import Path

import pytest

from tests.patients.intake_helpers import OPIOID_PATIENT, post

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
# A `{#` whose `#}` is not on the same line.
UNCLOSED_ONE_LINE_COMMENT = re.compile(r"\{#(?![^\n]*#\})")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_one_line_comment_spans_two_lines(path):
    text = path.read_text(encoding="utf-8")
    lines = [text.count("\n", 0, m.start()) + 1 for m in UNCLOSED_ONE_LINE_COMMENT.finditer(text)]
    assert lines == [], f"{path.name}: use {{% comment %}} for a comment over several lines"


TEMPLATE_SYNTAX = ("{#", "#}", "{%", "%}", "{{", "}}")


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_intake_result_shows_no_template_syntax(client, htmx):
    html = post(client, OPIOID_PATIENT, htmx=htmx).content.decode()
    assert "Advarsler" in html  # the result, with its alerts
    assert [syntax for syntax in TEMPLATE_SYNTAX if syntax in html] == []


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/guidelines/acute-low-back-pain/",
        "/guidelines/generalised-pain/diagnostic-clarification/",
        "/guidelines/generalised-pain/cbt/history/",
        "/search/?q=cauda+equina",
        "/search/?q=diskusprolaps",
        "/search/?q=panodil",
        "/intake/",
        "/opioids/mme/",
        "/opioids/taper-plan/",
    ],
)
def test_a_reader_page_shows_no_template_syntax(client, url):
    html = client.get(url).content.decode()
    assert [syntax for syntax in TEMPLATE_SYNTAX if syntax in html] == []
