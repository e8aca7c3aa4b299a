import pytest

from recommendations.services import content_seed


@pytest.fixture
def content(db):
    """Return the seed report after loading all guideline content, as `make run` does."""
    return content_seed()
