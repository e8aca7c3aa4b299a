"""The intake page's address, a way to post it, and a patient the intake tests share."""

URL = "/intake/"
CAUDA = "cauda_equina_saddle_anaesthesia"
# Two opioids for two years (110 MME), with a cauda equina red flag.
OPIOID_PATIENT = {
    "age": "60",
    "pain_site": "generalised",
    "pain_duration_weeks": "200",
    "med-0-drug": "oxycodone",
    "med-0-dose": "40",
    "med-1-drug": "morphine",
    "med-1-dose": "50",
    "medication_rows": "2",
    "opioid_treatment_months": "24",
    "red_flags": [CAUDA],
}


def post(client, data, htmx=False):
    """POST the intake form, as htmx does when `htmx`."""
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(URL, data, headers=headers)
