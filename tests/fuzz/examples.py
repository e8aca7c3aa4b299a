"""How many examples the fuzz tests draw: bounded, so the suite stays fast."""

from hypothesis import HealthCheck, settings

# Shared by tests/fuzz/test_no_server_errors.py and tests/patients/test_cds_fuzz.py.
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
