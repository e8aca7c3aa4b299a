"""Controls from the hazard log (docs/safety.md) that no other test covered."""

import pytest

pytestmark = pytest.mark.usefixtures("content")

DECISION_SUPPORT_NOTICE = "Beslutningsstøtte, ikke en erstatning for klinisk vurdering."


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search/?q=opioider",
        "/guidelines/acute-low-back-pain/",
        "/guidelines/acute-low-back-pain/stay-active/",
        "/intake/",
        "/opioids/mme/",
        "/opioids/taper-plan/",
    ],
)
def test_every_clinical_page_says_it_supports_and_does_not_replace_clinical_judgement(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert DECISION_SUPPORT_NOTICE in response.content.decode()
