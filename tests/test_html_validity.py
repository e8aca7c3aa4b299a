"""Every kind of page nkr serves is valid HTML, as the W3C's Nu Html Checker reads it.

A checker no one here wrote: vnu.jar, the validator behind validator.w3.org/nu, run once over
the reader pages (every recommendation and its history), the patient tools with their results
and their errors, and the editor's admin pages, in Danish and in English. Its errors and its
warnings fail the test; its plain notes do not.

Two things are left out. htmx's own attributes (hx-post, hx-target, ...): the checker reports
any attribute HTML does not define, and browsers ignore those they do not know. The `data-hx-*`
spelling would pass, but every template, test and doc names them `hx-*`, as htmx documents
them. And one table in Django's own admin sidebar (DJANGO_SIDEBAR_ROW).

The checker comes from the npm package vnu-jar, pinned: `make html-checker` puts it in
.ci/node/vnu/, or NKR_VNU_JAR names the jar. It needs Java (Debian: default-jre-headless).
Without them this test skips, except in CI, where it fails.
"""

import json
import os
import re
import shutil
import subprocess  # nosec B404: runs the checker, a fixed command over files this test writes
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from recommendations.models import Guideline, HearingRound, Recommendation
from recommendations.permissions import editors_group_sync

from .patients.intake_helpers import OPIOID_PATIENT

pytestmark = pytest.mark.usefixtures("content")

VNU_JAR = Path(
    os.environ.get("NKR_VNU_JAR")
    or Path(__file__).resolve().parents[1] / ".ci/node/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
)
HTMX_ATTRIBUTE = re.compile(r"Attribute “hx-[\w-]+” not allowed")
# Django's own admin sidebar (admin/app_list.html, included with show_changelinks off) heads
# its table with three columns and fills two: Django's template, not nkr's to copy and patch.
DJANGO_SIDEBAR_ROW = "A table row was 2 columns wide, which is less than the column count"

SEARCHES = ["panodil", "tramadl", "knæsmerter", "cauda equina", "iskias", "røde flag", "?"]
CHILD = {"age": "10", "pain_site": "other_msk", "pain_duration_weeks": "20", "medication_rows": "1"}
LOW_BACK = {
    "age": "40",
    "pain_site": "low_back",
    "pain_duration_weeks": "2",
    "medication_rows": "1",
    **{f"startback_{item}": "1" for item in range(1, 10)},
}
INTAKE_INVALID = {"age": "x", "pain_site": "", "pain_duration_weeks": "-1", "medication_rows": "1"}
MME = {"medication_rows": "2", "med-0-drug": "morphine", "med-0-dose": "60"}
MME_PATCH = {**MME, "med-1-drug": "fentanyl_patch", "med-1-dose": "25"}
TAPER = {"drug": "oxycodone", "daily_dose": "60", "treatment_months": "24"}
TOO_MANY_FIELDS = {f"field_{number}": "1" for number in range(1001)}  # a 400 (Django's limit)


@pytest.fixture
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        message = (
            f"the Nu Html Checker needs Java and {VNU_JAR}: "
            "`apt-get install default-jre-headless` and `make html-checker`"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-Xss4m", "-jar", str(VNU_JAR)]


def _tolerated(text: str, page: str) -> bool:
    """Return whether the checker's `text` about `page` is one of the two left out above."""
    in_admin = page.split()[-1].startswith("/admin/")
    return bool(HTMX_ATTRIBUTE.search(text)) or (in_admin and text.startswith(DJANGO_SIDEBAR_ROW))


def _reader_pages() -> list[tuple[str, dict | None]]:
    """Return (URL, form posted or None) for every kind of page a reader or clinician sees."""
    pages: list[tuple[str, dict | None]] = [("/", None), ("/search/", None)]
    pages += [(f"/search/?q={query}", None) for query in SEARCHES]
    for slug in Guideline.objects.values_list("slug", flat=True):
        pages += [(f"/guidelines/{slug}/", None), (f"/guidelines/{slug}/changes/", None)]
    for rec in Recommendation.objects.select_related("guideline"):
        base = f"/guidelines/{rec.guideline.slug}/{rec.slug}/"
        pages += [(base, None), (f"{base}history/", None)]
    for hearing in HearingRound.objects.select_related("guideline"):
        pages.append((f"/guidelines/{hearing.guideline.slug}/hearings/{hearing.slug}/", None))
    pages += [("/intake/", None), ("/opioids/mme/", None), ("/opioids/taper-plan/", None)]
    pages += [("/intake/", form) for form in (OPIOID_PATIENT, CHILD, LOW_BACK, INTAKE_INVALID)]
    pages += [("/opioids/mme/", form) for form in (MME_PATCH, {**MME, "med-0-dose": "abc"})]
    pages += [("/opioids/taper-plan/", form) for form in (TAPER, {**TAPER, "daily_dose": "x"})]
    pages += [("/opioids/taper-plan/", {**TAPER, "print": "1"}), ("/ingen-side/", None)]
    pages.append(("/intake/", TOO_MANY_FIELDS))
    return pages


def _editor_pages() -> list[str]:
    """Return the admin pages an editor works in, nkr's own templates among them."""
    rec = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    admin = f"/admin/recommendations/recommendation/{rec.pk}"
    hearing = HearingRound.objects.first()
    return [
        "/admin/",
        "/admin/recommendations/recommendation/",
        f"{admin}/change/",
        f"{admin}/restore/1/",
        f"{admin}/verify/",
        "/admin/recommendations/recommendation/provenance/",
        f"/admin/recommendations/hearinground/{hearing.pk}/change/",
        "/admin/patients/cardfeedback/",
    ]


def _fetch(client: Client, url: str, form: dict | None) -> bytes:
    response = client.get(url) if form is None else client.post(url, form)
    assert response.status_code in (200, 400, 404), (url, form, response.status_code)
    return response.content


def _checker_messages(command: list[str], files: dict[Path, str]) -> list[str]:
    """Run the checker over `files` once; return its errors and warnings, by page."""
    result = subprocess.run(  # noqa: S603 # nosec B603
        [*command, "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    problems = []
    for message in json.loads(result.stderr)["messages"]:
        serious = message["type"] == "error" or message.get("subType") == "warning"
        page = files[Path(message["url"].removeprefix("file:"))]
        if serious and not _tolerated(message["message"], page):
            problems.append(f"{page} line {message.get('lastLine')}: {message['message']}")
    return problems


def test_every_kind_of_page_is_valid_html_to_the_nu_html_checker(vnu, tmp_path):
    editor = User.objects.create_user("editor", is_staff=True)
    editor.groups.add(editors_group_sync())
    files: dict[Path, str] = {}
    for language in ("da", "en"):
        reader, staff = Client(), Client()
        staff.force_login(editor)
        for client in (reader, staff):
            client.cookies["django_language"] = language
        visits = [(reader, url, form) for url, form in _reader_pages()]
        visits += [(staff, url, None) for url in _editor_pages()]
        for client, url, form in visits:
            path = tmp_path / f"{len(files)}.html"
            path.write_bytes(_fetch(client, url, form))
            files[path] = f"{language} {'POST' if form else 'GET'} {url}"
    problems = _checker_messages(vnu, files)
    assert not problems, "\n".join(problems)
