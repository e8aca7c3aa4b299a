from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patientvurdering")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the CDS Hooks settings checks)
