"""JWT header rules, token lifetime, and an issuer's JWK Set fetched over real HTTP.

The JWK Set is served by a tiny HTTP server on 127.0.0.1: PyJWT's client, urllib and the
socket are all real, so what is tested is what runs in production.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from patients.cds import jwt as jwt_module
from patients.cds.jwt import (
    JWT_JWKS_FETCH_ERROR,
    JWT_JWKS_INVALID_ERROR,
    JWT_KEY_ERROR,
    JWT_KID_ERROR,
    JWT_LIFETIME_ERROR,
    JWT_TYPE_ERROR,
    MAX_LIFETIME_SECONDS,
)
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


def refused_because(response) -> str:
    assert response.status_code == 401, response.content
    (message,) = response.json()["errors"]["authorization"]
    return message


class JwksServer:
    """Serve one document at /jwks (status, content type, body can be changed between calls)."""

    def __init__(self):
        self.status, self.content_type, self.body = 200, "application/json", b"{}"
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests += 1
                self.send_response(server.status)
                self.send_header("Content-Type", server.content_type)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, body, *, status: int = 200, content_type: str = "application/json"):
        self.status, self.content_type = status, content_type
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def jwks_server(settings):
    # The JWK Set clients live for the process, one per URL (jwt.jwks_client). Each test's
    # server gets a port from the system, which may be one an earlier test's server had: its
    # client would answer with that test's cached key set (seen once with pytest-xdist).
    jwt_module.jwks_client.cache_clear()
    server = JwksServer()
    settings.CDS_HOOKS_VERIFY_JWT = True
    settings.CDS_HOOKS_ISSUERS = {fhir.ISSUER: {"jwks_url": server.url}}
    yield server
    server.close()


@pytest.fixture
def record_system(ehr_private_key):
    return fhir.RecordSystem(ehr_private_key)


def call(client, system, **token_options):
    token = system.token(**token_options)
    return system.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)


# --- A JWK Set fetched over HTTP -----------------------------------------------------------


def test_a_token_is_verified_with_the_key_set_fetched_from_the_issuers_url(
    client, jwks_server, record_system
):
    jwks_server.serve(record_system.jwks())

    assert call(client, record_system).status_code == 200
    assert call(client, record_system).status_code == 200
    assert jwks_server.requests == 1  # the key set is cached between calls


def test_a_rotated_key_is_found_by_fetching_the_key_set_again(
    client, jwks_server, record_system, monkeypatch
):
    monkeypatch.setattr(jwt_module, "JWKS_REFRESH_COOLDOWN_SECONDS", 0)
    jwks_server.serve(record_system.jwks())
    assert call(client, record_system).status_code == 200

    new_key = ec.generate_private_key(ec.SECP384R1())
    rotated = fhir.RecordSystem(new_key, kid="ehr-key-2")
    jwks_server.serve(rotated.jwks())

    assert call(client, rotated).status_code == 200
    assert jwks_server.requests == 2


def test_made_up_kids_do_not_make_us_fetch_the_key_set_again_and_again(
    client, jwks_server, record_system
):
    jwks_server.serve(record_system.jwks())
    assert call(client, record_system).status_code == 200
    for n in range(3):
        stranger = fhir.RecordSystem(ec.generate_private_key(ec.SECP384R1()), kid=f"made-up-{n}")
        assert call(client, stranger).status_code == 401

    assert jwks_server.requests == 1  # within the refresh cooldown


def test_a_key_the_issuer_does_not_publish_is_refused(client, jwks_server, record_system):
    jwks_server.serve(record_system.jwks())
    stranger = fhir.RecordSystem(ec.generate_private_key(ec.SECP384R1()), kid="not-published")

    assert refused_because(call(client, stranger)) == JWT_KEY_ERROR.format(
        kid="not-published", iss=fhir.ISSUER
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ({"keys": []}, "application/json"),  # an empty key set
        ({"keys": [{"kty": "EC", "kid": fhir.KID}]}, "application/json"),  # unparseable key
        ([], "application/json"),  # JSON, but not a key set
        (b"<html><body>502 Bad Gateway</body></html>", "text/html"),  # not JSON at all
        (b"", "application/json"),  # nothing
    ],
    ids=["empty", "unparseable-key", "json-array", "html", "no-body"],
)
def test_an_unusable_key_set_is_401_saying_so_not_a_500(
    client, jwks_server, record_system, body, content_type
):
    jwks_server.serve(body, content_type=content_type)

    assert refused_because(call(client, record_system)) == JWT_JWKS_INVALID_ERROR.format(
        url=jwks_server.url
    )


def test_a_key_set_url_that_answers_404_is_401(client, jwks_server, record_system):
    jwks_server.serve(b"not found", status=404, content_type="text/plain")

    assert refused_because(call(client, record_system)) == JWT_JWKS_FETCH_ERROR.format(
        url=jwks_server.url
    )


def test_a_key_set_url_nobody_answers_is_401(client, jwks_server, record_system):
    url = jwks_server.url
    jwks_server.close()

    assert refused_because(call(client, record_system)) == JWT_JWKS_FETCH_ERROR.format(url=url)


# --- Header rules (CDS Hooks 2.0: kid and typ REQUIRED) ------------------------------------


def test_a_token_without_typ_is_refused(client, ehr):
    assert refused_because(call(client, ehr, headers={"typ": None})) == JWT_TYPE_ERROR


def test_a_token_whose_typ_is_not_jwt_is_refused(client, ehr):
    assert refused_because(call(client, ehr, headers={"typ": "at+jwt"})) == JWT_TYPE_ERROR


def test_a_token_without_kid_is_refused(client, ehr):
    assert refused_because(call(client, ehr, headers={"kid": None})) == JWT_KID_ERROR


@pytest.fixture
def pem_system(settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings.CDS_HOOKS_VERIFY_JWT = True
    settings.CDS_HOOKS_ISSUERS = {"https://rsa.example.dk": {"public_key_pem": pem.decode()}}
    return fhir.RecordSystem(key, issuer="https://rsa.example.dk")


def test_a_pem_configured_issuer_accepts_a_token_with_kid_and_typ(client, pem_system):
    assert call(client, pem_system, algorithm="RS384").status_code == 200


def test_a_pem_configured_issuer_also_needs_a_kid(client, pem_system):
    response = call(client, pem_system, algorithm="RS384", headers={"kid": None})
    assert refused_because(response) == JWT_KID_ERROR


def test_a_pem_configured_issuer_also_needs_typ(client, pem_system):
    response = call(client, pem_system, algorithm="RS384", headers={"typ": None})
    assert refused_because(response) == JWT_TYPE_ERROR


# --- Lifetime ------------------------------------------------------------------------------


def test_a_token_valid_for_five_minutes_is_accepted(client, ehr):
    now = int(time.time())
    assert call(client, ehr, iat=now, exp=now + MAX_LIFETIME_SECONDS).status_code == 200


def test_a_token_valid_for_longer_than_five_minutes_is_refused(client, ehr):
    now = int(time.time())
    response = call(client, ehr, iat=now, exp=now + MAX_LIFETIME_SECONDS + 1)
    assert refused_because(response) == JWT_LIFETIME_ERROR.format(seconds=MAX_LIFETIME_SECONDS)


def test_a_token_valid_for_ten_years_is_refused(client, ehr):
    now = int(time.time())
    response = call(client, ehr, iat=now, exp=now + 10 * 365 * 24 * 3600)
    assert refused_because(response) == JWT_LIFETIME_ERROR.format(seconds=MAX_LIFETIME_SECONDS)


def test_the_lifetime_limit_is_five_minutes():
    assert MAX_LIFETIME_SECONDS == 300
