"""People in the editorial tests, named for their roles.

Alice and Erik are editors (the "Redaktører" group), Bob is a signed-in reader with no rights,
Sara is a superuser. Clients come signed in as each.
"""

import pytest
from django.contrib.auth.models import User

from recommendations.models import Recommendation
from recommendations.permissions import editors_group_sync

from .helpers import user_create


@pytest.fixture
def editors_group(db):
    # Browser (transactional) tests empty the tables the migration filled; sync it again.
    return editors_group_sync()


@pytest.fixture
def alice(editors_group):
    user = user_create("alice", is_staff=True)
    user.groups.add(editors_group)
    return user


@pytest.fixture
def erik(editors_group):
    user = user_create("erik", is_staff=True)
    user.groups.add(editors_group)
    return user


@pytest.fixture
def bob(db):
    return user_create("bob")


@pytest.fixture
def sara(db):
    return User.objects.create_superuser("sara", password="correct horse 42")


def _client_for(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    from django.test import Client

    return _client_for(Client, alice)


@pytest.fixture
def erik_client(erik):
    from django.test import Client

    return _client_for(Client, erik)


@pytest.fixture
def bob_client(bob):
    from django.test import Client

    return _client_for(Client, bob)


@pytest.fixture
def sara_client(sara):
    from django.test import Client

    return _client_for(Client, sara)


@pytest.fixture
def cbt(content) -> Recommendation:
    """Return the CBT recommendation, seeded as its 2018 hearing draft and its published text."""
    return Recommendation.objects.select_related("guideline").get(
        guideline__slug="generalised-pain", slug="cbt"
    )


@pytest.fixture
def opioids(content) -> Recommendation:
    return Recommendation.objects.select_related("guideline").get(
        guideline__slug="child-msk-pain", slug="opioids"
    )
