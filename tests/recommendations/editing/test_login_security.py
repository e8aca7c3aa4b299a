"""Logins to the admin: lockout after repeated failures, password rules, the second factor."""

import logging
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from recommendations.admin_site import OTP_DEVICE_REQUIRED_ERROR, OTP_INVALID_TOKEN_ERROR

LOGIN = "/admin/login/"
PASSWORD = "correct horse 42"


def log_in(client, username: str, password: str, **fields):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/", **fields}
    )


def fail(client, username: str, times: int) -> list[int]:
    return [log_in(client, username, "wrong").status_code for _ in range(times)]


# --- Lockout (django-axes) ----------------------------------------------------------------------


def test_five_failed_logins_lock_the_username_out_with_a_danish_page(client, alice, settings):
    statuses = fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    locked = log_in(client, "alice", PASSWORD)

    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    assert locked.status_code == 429  # even the right password, until the cool-off is over
    text = locked.content.decode()
    assert "Login er spærret" in text
    assert "Prøv igen om 15 minutter" in text
    assert locked["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_username_and_address(client, alice, erik, settings):
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)

    colleague = log_in(client, "erik", PASSWORD)
    elsewhere = client.post(
        LOGIN,
        {"username": "alice", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.1.2.3",
    )

    assert colleague.status_code == 302
    assert elsewhere.status_code == 302


def test_after_the_cool_off_the_right_password_works_again(client, alice, settings):
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(seconds=1)
    )

    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_successful_login_forgets_earlier_failures(client, alice, settings):
    fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
    log_in(client, "alice", PASSWORD)
    client.logout()

    assert fail(client, "alice", 1) == [200]


def test_a_lockout_is_logged_without_the_password(client, alice, settings, caplog):
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        fail(client, "alice", settings.AXES_FAILURE_LIMIT)

    assert "login_locked_out username='********************'" in caplog.text
    assert "alice" not in caplog.text, "the username as typed may be a password"
    assert "wrong" not in caplog.text


# --- Passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["kort42", "password1234", "123456789012"])
def test_weak_passwords_are_refused(alice, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=alice)


def test_a_long_uncommon_password_is_accepted(alice):
    validate_password("violet kettle mountain 7", user=alice)


# --- Second factor (django-otp) -------------------------------------------------------------------


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


@pytest.fixture
def alice_device(alice) -> TOTPDevice:
    return TOTPDevice.objects.create(user=alice, name="telefon", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def test_without_the_setting_a_password_is_enough(client, alice):
    assert log_in(client, "alice", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_the_login_page_asks_for_a_code(client, otp_required):
    text = client.get(LOGIN).content.decode()

    assert 'name="otp_token"' in text
    assert "Kode fra godkendelsesapp" in text


def test_with_the_setting_a_password_alone_does_not_get_in(
    client, alice, alice_device, otp_required
):
    response = log_in(client, "alice", PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_with_the_setting_a_wrong_code_does_not_get_in(client, alice, alice_device, otp_required):
    response = log_in(
        client, "alice", PASSWORD, otp_device=alice_device.persistent_id, otp_token="000000"
    )

    assert response.status_code == 200
    assert str(OTP_INVALID_TOKEN_ERROR) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_with_the_setting_the_code_from_the_app_gets_in(client, alice, alice_device, otp_required):
    response = log_in(
        client,
        "alice",
        PASSWORD,
        otp_device=alice_device.persistent_id,
        otp_token=code_now(alice_device),
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_the_first_login_with_the_code_gets_in(
    client, alice, alice_device, otp_required
):
    """The first form has no device field: with one device, the code alone is enough."""
    response = log_in(client, "alice", PASSWORD, otp_token=code_now(alice_device))

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_a_user_with_two_devices_is_asked_in_danish_which(
    client, alice, alice_device, otp_required
):
    TOTPDevice.objects.create(user=alice, name="reserve", confirmed=True)

    page = log_in(client, "alice", PASSWORD, otp_token=code_now(alice_device)).content.decode()

    assert "Please select a device" not in page
    assert str(OTP_DEVICE_REQUIRED_ERROR) in page
    assert 'name="otp_device"' in page
    assert "_auth_user_id" not in client.session


def test_with_the_setting_a_session_signed_in_without_a_code_has_no_admin_access(
    alice_client, otp_required, caplog
):
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        response = alice_client.get("/admin/recommendations/recommendation/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert alice_client.get(response["Location"]).status_code == 200
    assert "permission_denied" in caplog.text


def test_with_the_setting_another_users_device_is_no_use(client, alice, erik, otp_required):
    erik_device = TOTPDevice.objects.create(user=erik, name="telefon", confirmed=True)

    response = log_in(
        client,
        "alice",
        PASSWORD,
        otp_device=erik_device.persistent_id,
        otp_token=code_now(erik_device),
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_an_administrator_gives_an_editor_a_device_and_shows_its_qr_code(sara_client, alice):
    add_page = sara_client.get("/admin/otp_totp/totpdevice/add/")
    device = TOTPDevice.objects.create(user=alice, name="telefon")

    config = sara_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")
    qr_code = sara_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")

    assert add_page.status_code == config.status_code == 200
    assert qr_code.status_code == 200
    assert qr_code["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr_code.content


def test_an_administrator_sees_and_can_clear_lockouts_in_the_admin(client, sara_client, alice):
    fail(client, "alice", 5)

    page = sara_client.get("/admin/axes/accessattempt/")

    assert page.status_code == 200
    assert "alice" in page.content.decode()


def test_a_failed_attempt_is_kept_without_the_password_or_the_code(client, alice, otp_required):
    log_in(client, "alice", "my secret guess", otp_token="123456")

    kept = AccessAttempt.objects.get(username="alice").post_data

    assert "my secret guess" not in kept
    assert "123456" not in kept


# Logins refused after a correct password.


def test_a_correct_password_from_a_user_without_admin_access_is_logged_as_refused(
    client, bob, editors_group, caplog
):
    not_staff_editor = User.objects.create_user("ed3", password="correct horse 42")
    not_staff_editor.groups.add(editors_group)
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        for username in ("bob", "ed3"):
            page = client.post(
                "/admin/login/?next=/admin/",
                {"username": username, "password": "correct horse 42", "next": "/admin/"},
            )
            assert page.status_code == 200, "refused: the form comes back"

    assert f"login_refused_no_admin_access user_id={bob.pk} username='bob'" in caplog.text
    assert "username='ed3'" in caplog.text
    assert "correct horse" not in caplog.text
