"""PostgreSQL for nkr: Django's backend with a bound on every wait for the database.

A database that refuses is noticed at once, but one that hangs (a frozen host, a dropped
network path that still holds the TCP connection) never answers: libpq waits forever, and so
did every gunicorn worker that reused a kept connection (CONN_MAX_AGE), until clients gave up.
The server-side `statement_timeout` cannot help when the server never hears the query, and TCP
keepalives notice a dead peer only after tens of seconds. So each wait of psycopg for the
server (a query, a commit, the reuse check's SELECT 1) is bounded here on the client side: past
the bound psycopg raises OperationalError, which the request turns into a 503 with Retry-After
(recommendations/middleware.py) and after which Django closes the connection.
"""

import psycopg
from django.conf import settings
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server ends after `wait_timeout` seconds."""

    wait_timeout: float | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        return super().wait(gen, interval=interval, timeout=timeout or self.wait_timeout)


class DatabaseWrapper(base.DatabaseWrapper):
    def _administers_databases(self) -> bool:
        # The connection to the "postgres" database that creates and drops databases (tests,
        # set-up) runs statements that take as long as they take: no bounds there.
        return self.alias == NO_DB_ALIAS

    def get_connection_params(self):
        params = super().get_connection_params()
        if self._administers_databases():
            params.pop("options", None)  # the statement_timeout from nkr/settings.py
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self._administers_databases():
            return connection
        # psycopg offers no factory for the connection class; its connect() builds the
        # connection, so the class is swapped for one that only overrides wait().
        connection.__class__ = BoundedConnection
        connection.wait_timeout = settings.DATABASE_WAIT_TIMEOUT
        return connection

    def is_usable(self):
        # The reuse check (CONN_HEALTH_CHECKS) must answer fast: a healthy server answers
        # SELECT 1 in milliseconds, and a hung one must not cost the request its 5 seconds.
        if self.connection is None:
            return False
        try:
            with self.connection.cursor() as cursor:
                self.connection.wait_timeout = settings.DATABASE_HEALTH_CHECK_TIMEOUT
                cursor.execute("SELECT 1")
        except psycopg.Error:
            return False
        finally:
            self.connection.wait_timeout = settings.DATABASE_WAIT_TIMEOUT
        return True
