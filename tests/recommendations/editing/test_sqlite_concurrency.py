"""Two editors saving at the same moment on SQLite: the second waits instead of failing.

The Django test database is an in-memory one shared by a single connection, so these tests
open two real connections to a SQLite file, configured as nkr/settings.py configures SQLite
(nkr/env.py database_from_url).
Before the settings took SQLite's write lock at BEGIN ("transaction_mode": "IMMEDIATE"), the
second writer failed at once with "database is locked" and the editor got a 503.
"""

import threading
import time

import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper

from nkr.env import database_from_url


def _connection(path, alias: str) -> DatabaseWrapper:
    settings = {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
        **database_from_url(f"sqlite:///{path}", statement_timeout_ms=3000),
    }
    return DatabaseWrapper(settings, alias=alias)


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    # Connections of the test's own, outside pytest-django's test database.
    django_db_blocker.unblock()
    path = tmp_path / "editors.sqlite3"
    setup = _connection(path, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE saves (editor TEXT)")
    setup.close()
    yield path
    django_db_blocker.restore()


def test_sqlite_is_configured_to_take_the_write_lock_when_a_transaction_begins():
    options = database_from_url("sqlite:////tmp/x.sqlite3", statement_timeout_ms=3000)["OPTIONS"]

    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5, "long enough for the other editor's save to finish"


def test_a_second_editor_saving_at_the_same_moment_waits_for_the_first_and_sees_their_save(
    sqlite_file,
):
    first_began = threading.Event()
    seen_by_second: list[int] = []
    errors: list[BaseException] = []

    def first_editor():
        conn = _connection(sqlite_file, "first")
        try:
            with _atomic(conn):
                with conn.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM saves")
                    first_began.set()
                    time.sleep(0.5)  # the second editor's request arrives meanwhile
                    cursor.execute("INSERT INTO saves VALUES ('alice')")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
            first_began.set()
        finally:
            conn.close()

    def second_editor():
        first_began.wait(5)
        conn = _connection(sqlite_file, "second")
        try:
            with _atomic(conn):
                with conn.cursor() as cursor:
                    # As the edit check does: read what is saved, then write.
                    cursor.execute("SELECT COUNT(*) FROM saves")
                    seen_by_second.append(cursor.fetchone()[0])
                    cursor.execute("INSERT INTO saves VALUES ('erik')")
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=first_editor), threading.Thread(target=second_editor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == [], "neither save failed with 'database is locked'"
    assert seen_by_second == [1], "the second save ran after the first, so it can be refused"


class _atomic:
    """A transaction on a connection of its own, begun the way Django's atomic() begins it."""

    def __init__(self, conn: DatabaseWrapper):
        self.conn = conn

    def __enter__(self):
        self.conn.ensure_connection()
        # As atomic() does: on SQLite this sends "BEGIN <transaction_mode>".
        self.conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.conn.commit()
        else:
            self.conn.rollback()
        self.conn.set_autocommit(True)
        return False
