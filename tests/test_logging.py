"""No patient data in the logs: request bodies are never logged, whatever the outcome.

Every logger is opened to DEBUG and captured, including those that do not propagate to the
root (django.request, nkr.audit), so the test sees more than a production server would log.
"""

import json
import logging

import pytest

pytestmark = pytest.mark.usefixtures("content")

# Values no log line would contain by chance.
INTAKE = {
    "age": 57,
    "pain_site": "generalised",
    "pain_duration_weeks": 731,
    "medications": [{"drug": "oxycodone", "daily_dose": 83.75, "unit": "mg"}],
    "opioid_treatment_months": 41,
}
MARKERS = ["731", "83.75", "83,75", '"age": 57']
BAD_INTAKE = {"age": "femoghalvtreds-x9", "pain_site": "ryg-x9", "pain_duration_weeks": 3}
BAD_MARKERS = ["femoghalvtreds-x9", "ryg-x9"]


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logging.Formatter("%(name)s %(message)s").format(record))


@pytest.fixture
def every_log_line():
    """Return the list every log line of every logger goes to, at DEBUG."""
    capture = _Capture()
    manager = logging.root.manager
    loggers = [logging.root] + [
        logger
        for logger in manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.addHandler(capture)
        logger.setLevel(logging.DEBUG)
    yield capture.lines
    for logger, level in levels.items():
        logger.removeHandler(capture)
        logger.setLevel(level)


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def leaked(lines: list[str], markers: list[str]) -> list[str]:
    return [line for line in lines if any(marker in line for marker in markers)]


def test_a_successful_evaluation_logs_nothing_of_the_intake(client, every_log_line):
    response = post_json(client, "/api/v1/evaluate/", INTAKE)

    assert response.status_code == 200
    assert leaked(every_log_line, MARKERS) == []


def test_a_refused_evaluation_logs_nothing_of_the_intake(client, every_log_line):
    response = post_json(client, "/api/v1/evaluate/", BAD_INTAKE)

    assert response.status_code == 400
    assert "ryg-x9" in response.content.decode()  # the caller is told, the log is not
    assert leaked(every_log_line, BAD_MARKERS) == []


def test_an_evaluation_that_crashes_logs_the_path_but_not_the_body(
    client, every_log_line, monkeypatch
):
    def crash(**kwargs):
        raise RuntimeError("evaluator failed")

    monkeypatch.setattr("patients.intake.api.intake_evaluate", crash)
    client.raise_request_exception = False

    response = post_json(client, "/api/v1/evaluate/", INTAKE)

    assert response.status_code == 500
    assert any("/api/v1/evaluate/" in line for line in every_log_line)  # it was logged
    assert leaked(every_log_line, MARKERS) == []


def test_the_intake_page_logs_nothing_of_the_form(client, every_log_line):
    form = {"age": "57", "pain_site": "generalised", "pain_duration_weeks": "731"}

    valid = client.post("/intake/", form)
    invalid = client.post("/intake/", form | {"age": "femoghalvtreds-x9"})

    assert valid.status_code == invalid.status_code == 200
    assert leaked(every_log_line, ["731", "femoghalvtreds-x9"]) == []


def test_forms_about_a_patient_post_their_data_so_it_never_reaches_a_url(client):
    for url, form_id in [
        ("/intake/", "intake-form"),
        ("/opioids/mme/", "mme-form"),
        ("/opioids/taper-plan/", "taper-form"),
    ]:
        page = client.get(url).content.decode()
        start = page.index(f'id="{form_id}"')
        tag = page[page.rindex("<form", 0, start) : page.index(">", start)]

        assert 'method="post"' in tag, url
