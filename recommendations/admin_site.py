"""nkr's admin site: where editors work. Danish titles; refused visits are logged.

With OTP_REQUIRED_FOR_STAFF on, the admin behaves as django-otp's OTPAdminSite: the login form
asks for a code from the user's authenticator app, and a user signed in without one is treated
as having no admin access. Read per request, so the setting needs no second admin site.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.forms import OTPAuthenticationFormMixin

from . import audit

OTP_LOGIN_TEMPLATE = "admin/login_otp.html"
OTP_TOKEN_REQUIRED_ERROR = _("Skriv koden fra din godkendelsesapp.")
OTP_INVALID_TOKEN_ERROR = _("Koden er forkert eller udløbet. Skriv den kode, appen viser nu.")
OTP_DEVICE_REQUIRED_ERROR = _("Vælg hvilken godkendelsesapp koden kommer fra.")
OTP_TOO_MANY_FAILURES_ERROR = _(
    "For mange forkerte koder (%(failure_count)d) i træk. Vent lidt, og prøv igen."
)
OTP_NOT_ALLOWED_ERROR = _("Koden kan ikke kontrolleres lige nu. Prøv igen om lidt.")


class RefusalLoggedMixin:
    """Log a login refused after a correct password (a user who is not staff, say).

    Django refuses it in confirm_login_allowed without sending user_login_failed, so the
    audit log's on_login_failed never hears of it.
    """

    def confirm_login_allowed(self, user) -> None:
        try:
            super().confirm_login_allowed(user)
        except ValidationError:
            audit.login_refused_without_admin_access(user)
            raise


class NkrAdminAuthenticationForm(RefusalLoggedMixin, AdminAuthenticationForm):
    pass


class NkrOtpAdminAuthenticationForm(RefusalLoggedMixin, OTPAdminAuthenticationForm):
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": OTP_TOKEN_REQUIRED_ERROR,
        "invalid_token": OTP_INVALID_TOKEN_ERROR,
        "device_required": OTP_DEVICE_REQUIRED_ERROR,
        "n_failed_attempts": OTP_TOO_MANY_FAILURES_ERROR,
        "verification_not_allowed": OTP_NOT_ALLOWED_ERROR,
    }

    def _chosen_device(self, user):
        # The first form has no device field (the user is not known until the password is
        # checked), so an editor's first try always failed with "select a device". With one
        # confirmed device there is nothing to choose; with several the form asks which.
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                device = devices[0]
        return device


class NkrAdminSite(admin.AdminSite):
    site_header = _("nkr · redaktion")
    site_title = _("nkr redaktion")
    index_title = _("Retningslinjer, anbefalinger og høringer")

    @property
    def login_form(self):
        if settings.OTP_REQUIRED_FOR_STAFF:
            return NkrOtpAdminAuthenticationForm
        return NkrAdminAuthenticationForm

    @property
    def login_template(self):
        # AdminSite uses its own template when this is None.
        return OTP_LOGIN_TEMPLATE if settings.OTP_REQUIRED_FOR_STAFF else None

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.OTP_REQUIRED_FOR_STAFF or request.user.is_verified()

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # A signed-in user without admin access is sent here instead of getting a 403.
        if request.user.is_authenticated and not self.has_permission(request):
            audit.permission_denied(request)
        return super().login(request, extra_context)
