from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Retningslinjer og anbefalinger")

    def ready(self) -> None:
        # Django's auth emits these signals; listening is the only way to log logins.
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )
        from simple_history.signals import post_create_historical_record

        from . import audit, checks  # noqa: F401  (checks registers the deploy checks)
        from .content_version import content_changed

        user_logged_in.connect(audit.on_login, dispatch_uid="nkr-audit-login")
        user_logged_out.connect(audit.on_logout, dispatch_uid="nkr-audit-logout")
        user_login_failed.connect(audit.on_login_failed, dispatch_uid="nkr-audit-login-failed")
        # Every process that can change published content, servers and commands alike.
        post_create_historical_record.connect(content_changed, dispatch_uid="nkr-content-changed")


class NkrAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with nkr's admin site as the default `admin.site`."""

    default = False  # RecommendationsConfig stays this module's default
    default_site = "recommendations.admin_site.NkrAdminSite"
