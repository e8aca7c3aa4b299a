"""Backups restore: pg_dump the database, pg_restore it into a new one, the read API is the same.

The commands are the ones docs/operations.md gives. PostgreSQL only (and its client tools).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from django.test import Client

from recommendations.models import Recommendation
from recommendations.seeding import content_seed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
    ),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore"),
]

ROOT = Path(__file__).resolve().parents[1]
READ_API = [
    "/api/v1/guidelines/",
    "/api/v1/guidelines/generalised-pain/",
    "/api/v1/recommendations/",
    "/api/v1/red-flags/",
    "/api/v1/guidelines/generalised-pain/recommendations/cbt/history/",
]
# Reads the read API of the database in DATABASE_URL, as a server would answer it.
READER = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client()
print(json.dumps({url: client.get(url).json() for url in %r}))
"""


def database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_new_database_answers_the_same(tmp_path):
    content_seed()
    rec = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    rec.update_note = "Ændret før sikkerhedskopien (test)."
    rec.save()
    client = Client()
    before = {url: client.get(url).json() for url in READ_API}
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restore"
    admin = psycopg.connect(database_url("postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
    admin.execute(f'CREATE DATABASE "{restored}"')
    dump = tmp_path / "nkr.dump"
    try:
        # docs/operations.md, "Backups and restore".
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", database_url(source)],
            check=True,
            timeout=120,
        )
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={database_url(restored)}", str(dump)],
            check=True,
            timeout=120,
        )
        env = os.environ | {"DATABASE_URL": database_url(restored)}
        answer = subprocess.run(
            [sys.executable, "-c", READER % READ_API],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert answer.returncode == 0, answer.stderr
        after = json.loads(answer.stdout.strip().splitlines()[-1])
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.close()

    assert after == before
    assert "Ændret før sikkerhedskopien (test)." in json.dumps(after, ensure_ascii=False)
