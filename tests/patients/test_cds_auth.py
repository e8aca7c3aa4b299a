"""CDS Hooks calls are trusted only with a JWT signed by an allowed record system."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.checks import run_checks

from patients.cds.jwt import (
    JWT_ALGORITHM_ERROR,
    JWT_AUDIENCE_ERROR,
    JWT_CLAIM_ERROR,
    JWT_EXPIRED_ERROR,
    JWT_ISSUER_ERROR,
    JWT_MISSING_ERROR,
    JWT_REPLAYED_ERROR,
    JWT_SIGNATURE_ERROR,
)
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


@pytest.fixture(scope="module")
def stranger_key():
    return ec.generate_private_key(ec.SECP384R1())


def refused_because(response) -> str:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")
    (message,) = response.json()["errors"]["authorization"]
    return message


def test_a_call_signed_by_the_trusted_record_system_is_accepted(client, ehr):
    assert ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks()).status_code == 200


def test_a_call_without_a_token_is_refused(client, ehr):
    response = client.post(
        "/cds-services/nkr-pain",
        fhir.adult_with_low_back_pain_for_three_weeks(),
        content_type="application/json",
    )
    assert refused_because(response) == JWT_MISSING_ERROR


def test_a_token_signed_with_another_key_is_refused(client, ehr, stranger_key):
    token = ehr.token(key=stranger_key)
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)
    assert refused_because(response) == JWT_SIGNATURE_ERROR


def test_an_expired_token_is_refused(client, ehr):
    long_ago = int(time.time()) - 3600
    token = ehr.token(iat=long_ago, exp=long_ago + 300)
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)
    assert refused_because(response) == JWT_EXPIRED_ERROR


def test_a_token_for_another_service_is_refused(client, ehr):
    token = ehr.token(aud="https://other.example.org/cds-services/nkr-pain")
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)
    assert refused_because(response) == JWT_AUDIENCE_ERROR.format(audience=fhir.SERVICE_URL)


def test_a_token_used_twice_is_refused_the_second_time(client, ehr):
    token = ehr.token()
    body = fhir.adult_with_low_back_pain_for_three_weeks()

    assert ehr.call(client, body, token=token).status_code == 200
    replay = ehr.call(client, body, token=token)

    jti = jwt.decode(token, options={"verify_signature": False})["jti"]
    assert refused_because(replay) == JWT_REPLAYED_ERROR.format(jti=jti)


def test_a_token_without_jti_is_refused(client, ehr):
    token = ehr.token(jti=None)
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)
    assert refused_because(response) == JWT_CLAIM_ERROR.format(claim="jti")


def test_a_token_from_an_issuer_not_on_the_allow_list_is_refused(client, ehr):
    token = ehr.token(iss="https://unknown.example.org")
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)
    assert refused_because(response) == JWT_ISSUER_ERROR.format(iss="https://unknown.example.org")


def test_a_symmetric_hmac_token_is_refused_even_with_a_known_issuer(client, ehr):
    token = jwt.encode(
        {"iss": fhir.ISSUER, "aud": fhir.SERVICE_URL, "exp": int(time.time()) + 60},
        "a-shared-secret-is-never-allowed-here",
        algorithm="HS256",
        headers={"kid": fhir.KID},
    )
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)
    assert refused_because(response) == JWT_ALGORITHM_ERROR.format(alg="HS256")


def test_an_unsigned_token_is_refused(client, ehr):
    token = jwt.encode({"iss": fhir.ISSUER, "aud": fhir.SERVICE_URL}, None, algorithm="none")
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)
    assert refused_because(response) == JWT_ALGORITHM_ERROR.format(alg="none")


def test_an_rs384_token_is_accepted_with_a_pem_public_key(client, settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings.CDS_HOOKS_ISSUERS = {"https://rsa.example.dk": {"public_key_pem": pem.decode()}}
    system = fhir.RecordSystem(key, issuer="https://rsa.example.dk")
    token = system.token(algorithm="RS384")

    response = system.call(client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token)

    assert response.status_code == 200


def test_a_token_with_a_jku_of_its_own_choosing_is_refused(client, settings, ehr_private_key):
    settings.CDS_HOOKS_ISSUERS = {fhir.ISSUER: {"jwks_url": "https://ehr.example.dk/jwks"}}
    now = int(time.time())
    token = jwt.encode(
        {"iss": fhir.ISSUER, "aud": fhir.SERVICE_URL, "iat": now, "exp": now + 60, "jti": "x"},
        ehr_private_key,
        algorithm="ES384",
        headers={"kid": fhir.KID, "typ": "JWT", "jku": "https://attacker.example.org/jwks"},
    )
    response = fhir.RecordSystem(ehr_private_key).call(
        client, fhir.adult_with_low_back_pain_for_three_weeks(), token=token
    )
    assert "jku" in refused_because(response)


def test_the_feedback_endpoint_also_needs_a_trusted_token(client, ehr):
    response = client.post(
        "/cds-services/nkr-pain/feedback", {"feedback": []}, content_type="application/json"
    )
    assert refused_because(response) == JWT_MISSING_ERROR


def test_verification_can_be_switched_off_for_local_testing(client, settings):
    settings.CDS_HOOKS_VERIFY_JWT = False
    response = client.post(
        "/cds-services/nkr-pain",
        fhir.adult_with_low_back_pain_for_three_weeks(),
        content_type="application/json",
    )
    assert response.status_code == 200


def deploy_check_ids() -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_check_deploy_warns_when_verification_is_off(settings):
    settings.CDS_HOOKS_VERIFY_JWT = False
    assert "patients.W001" in deploy_check_ids()


def test_check_deploy_warns_when_no_record_system_is_trusted(settings):
    settings.CDS_HOOKS_VERIFY_JWT = True
    settings.CDS_HOOKS_ISSUERS = {}
    assert "patients.W002" in deploy_check_ids()


def test_check_deploy_is_quiet_when_verification_is_on_with_issuers(ehr):
    assert not {"patients.W001", "patients.W002", "patients.E001"} & deploy_check_ids()


def test_an_issuer_without_exactly_one_key_source_is_a_configuration_error(settings):
    settings.CDS_HOOKS_ISSUERS = {fhir.ISSUER: {"jwks_url": "https://a", "public_key_pem": "x"}}
    assert "patients.E001" in {message.id for message in run_checks()}
