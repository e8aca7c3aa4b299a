import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.fhir_records import ISSUER, RecordSystem


@pytest.fixture(scope="session")
def ehr_private_key():
    return ec.generate_private_key(ec.SECP384R1())


@pytest.fixture
def ehr(settings, ehr_private_key):
    """Return the trusted record system: its issuer and JWK Set are on our allow-list."""
    system = RecordSystem(ehr_private_key)
    settings.CDS_HOOKS_VERIFY_JWT = True
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"jwks": system.jwks()}}
    return system
