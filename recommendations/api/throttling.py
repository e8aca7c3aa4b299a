"""Rates for anonymous API calls (settings: API_THROTTLE_RATE, CDS_THROTTLE_RATE).

The counts are kept in the default cache, which in production is a database table, so every
gunicorn worker and every server counts against the same limit.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's per-address throttle, reading its rate when used rather than at import."""

    def get_rate(self) -> str:
        # DRF copies the rates onto the class at import; read them now, so a changed
        # setting (a test's, say) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class CdsRateThrottle(AnonRateThrottle):
    """The CDS Hooks service's own budget: a record system calls for many clinicians."""

    scope = "cds"
