"""The Alembic migrations build exactly the schema of the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from tests.conftest import make_app, postgres_uri_or_skip
from wijkwerk.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path) -> Iterator[str]:
    """The URI of a database with nothing in it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = make_url(postgres_uri_or_skip())
    name = f"wijkwerk_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def _flask(app, *args: str):
    result = app.test_cli_runner().invoke(args=list(args))
    with app.app_context():
        db.engine.dispose()
    return result


def test_upgrade_on_an_empty_database_leaves_no_drift(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path)
    upgrade = _flask(app, "db", "upgrade")
    assert upgrade.exit_code == 0, upgrade.output
    check = _flask(app, "db", "check")
    assert check.exit_code == 0, f"models and migrations differ: {check.exception!r}"

    engine = create_engine(empty_database)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {t.name for t in db.metadata.sorted_tables} <= tables


def test_check_notices_a_database_that_lacks_the_schema(empty_database, tmp_path):
    """The drift check is not a rubber stamp: on an unmigrated database it fails."""
    app = make_app(empty_database, tmp_path)
    _flask(app, "db", "stamp", "head")
    check = _flask(app, "db", "check")
    assert check.exit_code != 0


def test_downgrade_to_base_and_upgrade_again(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path)
    assert _flask(app, "db", "upgrade").exit_code == 0
    downgrade = _flask(app, "db", "downgrade", "base")
    assert downgrade.exit_code == 0, downgrade.output
    engine = create_engine(empty_database)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    assert _flask(app, "db", "upgrade").exit_code == 0
